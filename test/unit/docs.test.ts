// The maps must match the territory: the READMEs and docs/ name the lab's
// real services, scenarios, settings, events, make targets and files. Each
// check reads the documents and the thing they describe, so a rename or a new
// setting that the documents miss fails here.
import assert from "node:assert/strict"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { describe, it } from "node:test"
import { fileURLToPath } from "node:url"
import { catalogue } from "../../scenarios/index.js"
import { SETTINGS, type SettingName } from "../../shared/config.js"
import { composeServices } from "../support/compose-file.js"
import type { LogEvents } from "../../shared/log-events.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const read = (path: string) => readFileSync(join(root, path), "utf8")
const patterns = readdirSync(join(root, "services"), { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => entry.name)
const documents = ["README.md", ...readdirSync(join(root, "docs")).map(name => `docs/${name}`), ...patterns.map(p => `services/${p}/README.md`)].filter(
  path => path.endsWith(".md") && existsSync(join(root, path)),
)
const composeNames = composeServices().map(s => s.name)
const makeTargets = new Set([...read("Makefile").matchAll(/^([a-z][a-z-]*):/gm)].map(m => m[1]!))
const section = (text: string, heading: string) => {
  const start = text.indexOf(`## ${heading}`)
  if (start < 0) return ""
  const end = text.indexOf("\n## ", start + 3)
  return text.slice(start, end < 0 ? undefined : end)
}

describe("the top README", () => {
  const readme = read("README.md")

  it("is a map: at most 250 lines, with a Mermaid diagram of the lab", () => {
    const lines = readme.split("\n").length
    assert.ok(lines <= 250, `README.md has ${lines} lines`)
    assert.match(readme, /```mermaid\n[\s\S]+?```/)
  })

  it("points to every pattern's README", () => {
    for (const pattern of patterns) assert.ok(readme.includes(`services/${pattern}/README.md`), pattern)
  })

  it("draws every service make up starts", () => {
    const diagram = /```mermaid\n([\s\S]+?)```/.exec(readme)?.[1] ?? ""
    const defaults = composeServices()
      .filter(s => s.default)
      .map(s => s.name)
    assert.ok(defaults.length >= 12, defaults.join(", "))
    for (const service of defaults) assert.ok(diagram.includes(service), `${service} in the diagram`)
  })
})

describe("each pattern's README", () => {
  for (const pattern of patterns) {
    it(`services/${pattern}/README.md: promise, services, scenarios, and three or four commands to try`, () => {
      const path = `services/${pattern}/README.md`
      assert.ok(existsSync(join(root, path)), `${path} exists`)
      const text = read(path)
      for (const heading of ["What it promises", "Services", "What breaks it", "Try this"]) assert.ok(section(text, heading), `${path}: ## ${heading}`)
      const commands = (/```sh\n([\s\S]+?)```/.exec(section(text, "Try this"))?.[1] ?? "").split("\n").filter(line => line.trim() !== "")
      assert.ok(commands.length >= 3 && commands.length <= 4, `${path}: ${commands.length} commands to try`)
      for (const line of commands) {
        for (const [, target] of line.matchAll(/\bmake ([a-z][a-z-]*)/g)) assert.ok(makeTargets.has(target!), `${path}: make ${target} is a target`)
      }
      const rows = section(text, "Services")
        .split("\n")
        .filter(line => line.startsWith("|"))
        .join("\n")
      const named = [...rows.matchAll(new RegExp(`\`(${pattern}-[a-z0-9-]+)\``, "g"))].map(m => m[1]!)
      assert.ok(named.length > 0, `${path} names its services`)
      for (const service of named) assert.ok(composeNames.includes(service), `${path}: ${service} is a Compose service`)
    })
  }

  it("lists every scenario of its group (network scenarios in docs/scenarios.md, CURVE ones in docs/security.md, Swarm ones in docs/swarm.md), and docs/scenarios.md lists them all", () => {
    const index = read("docs/scenarios.md")
    for (const { name } of catalogue) {
      const group = name.startsWith("network-")
        ? "docs/scenarios.md"
        : name.startsWith("curve-")
          ? "docs/security.md"
          : name.startsWith("swarm-")
            ? "docs/swarm.md"
            : `services/${patterns.find(p => name.startsWith(`${p}-`))}/README.md`
      assert.ok(read(group).includes(`\`${name}\``), `${name} in ${group}`)
      assert.ok(index.includes(`\`${name}\``), `${name} in docs/scenarios.md`)
    }
  })
})

describe("docs/settings.md", () => {
  const text = read("docs/settings.md")
  const rows = text.split("\n").filter(line => line.startsWith("| `"))
  const names = Object.keys(SETTINGS) as SettingName[]

  it("names every setting of the schema, and only those", () => {
    for (const name of names) assert.ok(text.includes(`\`${name}\``), name)
    for (const row of rows) {
      const cell = row.split(" | ")[0]!
      for (const [, name] of cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) assert.ok(names.includes(name as SettingName), `${name} is a setting`)
    }
  })

  it("gives each setting its schema default, where the row writes it as a value", () => {
    let compared = 0
    for (const row of rows) {
      const [first, second] = row.slice(1).split(" | ")
      const settings = [...first!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(m => m[1] as SettingName)
      const defaults = second!.split(" / ").map(d => /^`([^`]*)`$/.exec(d.trim())?.[1])
      // Rows whose default is words ("empty", "the hostname") or abbreviated ("...") say it in prose.
      if (defaults.length !== settings.length || defaults.some(d => d === undefined || d.includes("..."))) continue
      settings.forEach((name, i) => {
        const value = (SETTINGS[name] as { parse(variable: string, raw: undefined): unknown }).parse(name, undefined)
        assert.equal(defaults[i], Array.isArray(value) ? value.join(",") : String(value), `${name}'s default`)
        compared += 1
      })
    }
    assert.ok(compared >= names.length * 0.8, `${compared} of ${names.length} defaults compared`)
  })
})

describe("docs/logs.md", () => {
  it("names every event of the log contract", () => {
    const text = read("docs/logs.md")
    // Every key of the contract, the socket monitor's family as a whole.
    const events: Record<Exclude<keyof LogEvents, `socket.${string}`>, true> = {
      producing: true,
      stats: true,
      shutdown: true,
      "cpu-profile": true,
      crash: true,
      listening: true,
      connecting: true,
      "bad-message": true,
      "handler-error": true,
      sent: true,
      received: true,
      delivered: true,
      "duplicate-dropped": true,
      done: true,
      acked: true,
      abandoned: true,
      forwarded: true,
      dispatched: true,
      joined: true,
      "join-unknown": true,
      "producer-restart": true,
      gap: true,
      duplicate: true,
      "out-of-order": true,
      "late-arrival": true,
      subscribe: true,
      unsubscribe: true,
      "subscriber-joined": true,
      "subscriber-left": true,
      publishing: true,
      ventilating: true,
      blocked: true,
      waiting: true,
      ready: true,
      "worker-ready": true,
      ledger: true,
      resend: true,
      dropped: true,
      timeout: true,
      "give-up": true,
      lockstep: true,
      refused: true,
      "unexpected-reply": true,
      "late-reply": true,
      unroutable: true,
      "too-slow": true,
      "worker-expired": true,
      "worker-gone": true,
      "queue-silent": true,
      "reply-undelivered": true,
      store: true,
      "snapshot-served": true,
      snapshot: true,
      "snapshot-timeout": true,
      resync: true,
      state: true,
      "jobs-sent": true,
      summary: true,
      "worker-online": true,
      "worker-exit": true,
      "worker-respawn": true,
      watching: true,
      "watch-error": true,
      "lab-action": true,
      "socket-options": true,
      "receive-error": true,
      security: true,
      "key-error": true,
      "handshake-failed": true,
      "auth:allowed": true,
      "auth:denied": true,
      "auth:allow-list": true,
    }
    for (const event of Object.keys(events)) assert.ok(text.includes(`\`${event}\``), event)
    assert.ok(text.includes("`socket.<type>`"))
  })
})

describe("every document", () => {
  it("links only to files that exist", () => {
    for (const path of documents) {
      for (const [, target] of read(path).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue
        const file = join(root, dirname(path), target!)
        assert.ok(existsSync(file), `${path} links to ${relative(root, file)}`)
      }
    }
  })
})
