// The services of docker-compose.yml, read as text (the tests that use this
// run without Docker): the keys indented two spaces under `services:`, and
// for each whether a profile keeps it out of `make up`, its own or one it
// merges from another service (`<<: *anchor`).
import { readFileSync } from "node:fs"

export interface ComposeService {
  name: string
  /** Started by `make up`: no profile. */
  default: boolean
}

export function composeServices(): ComposeService[] {
  const text = readFileSync(new URL("../../docker-compose.yml", import.meta.url), "utf8")
  const start = text.indexOf("\nservices:\n")
  const end = text.slice(start + 1).search(/\n[a-z]/)
  const services = text.slice(start, end < 0 ? undefined : start + 1 + end)
  const profiled = new Map<string, boolean>()
  return services
    .split(/\n(?= {2}[a-z][a-z0-9-]*:(?: |$))/m)
    .slice(1)
    .map(block => {
      const [, name, anchor] = /^ {2}([a-z][a-z0-9-]*):(?: &([\w-]+))?/.exec(block)!
      const merged = /^ {4}<<: \*([\w-]+)/m.exec(block)?.[1]
      const hasProfile = /^ {4}profiles:/m.test(block) || (merged !== undefined && profiled.get(merged) === true)
      if (anchor) profiled.set(anchor, hasProfile)
      return { name: name!, default: !hasProfile }
    })
}
