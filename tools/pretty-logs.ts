// `make logs`: reads `docker compose logs` on stdin and prints what a person
// watching the lab wants: connects, disconnects, retries, restarts, faults and
// losses, one summary line per service with each of its stats lines, one
// color per service. VERBOSE=1 adds the per-message lines; PATTERN and SERVICE
// narrow it down.
import { createInterface } from "node:readline"
import { LogView } from "../shared/pretty.js"

const view = new LogView({
  verbose: ["1", "true", "yes"].includes(process.env.VERBOSE ?? ""),
  pattern: process.env.PATTERN || undefined,
  service: process.env.SERVICE || undefined,
  color: process.env.NO_COLOR === undefined,
})
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  for (const out of view.feed(line)) process.stdout.write(`${out}\n`)
}
