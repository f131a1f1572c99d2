import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { composeServices } from "../support/compose-file.js"
import { eventsTable, formatComposeLine, formatRecord, LogView, serviceColor } from "../../shared/pretty.js"

describe("pretty log lines", () => {
  const record = {
    timestamp: "2026-01-02T03:04:05.678Z",
    level: "warn",
    service: "pubsub-subscriber",
    pattern: "pubsub",
    event: "gap",
    message: "3 message(s) missing",
    count: 3,
  }

  it("shows time, service, event, message and the event's own fields", () => {
    assert.equal(formatRecord(record, { color: false, width: 18 }), `03:04:05.678 pubsub-subscriber  ${"gap".padEnd(18)} 3 message(s) missing {"count":3}`)
  })

  it("colors a service the same on every line, and tells the lab's services apart", () => {
    const ESC = String.fromCharCode(27)
    const colorOf = (line: string) => line.split(" ")[1]?.match(new RegExp(`^${ESC}\\[(\\d+)m`))?.[1]
    const first = colorOf(formatRecord(record))
    const later = colorOf(formatRecord({ ...record, timestamp: "2026-01-02T09:00:00.000Z", event: "received", message: "another line" }))
    assert.ok(first !== undefined)
    assert.equal(later, first)
    assert.equal(first, String(serviceColor("pubsub-subscriber")))
    const services = composeServices().map(s => s.name)
    assert.ok(services.length >= 12, `the lab's services, read from docker-compose.yml: ${services.join(", ")}`)
    const colors = new Set(services.map(serviceColor))
    // Ten colors for the lab's thirty-odd services: all or nearly all in use, or the hash clumps.
    assert.ok(colors.size >= 8, `${colors.size} colors among ${services.length} services`)
  })

  it("formats a compose log line holding JSON, and passes other text through", () => {
    assert.match(formatComposeLine(`pubsub-subscriber-1  | ${JSON.stringify(record)}`, { color: false }), /pubsub-subscriber\s+gap\s+3 message/)
    assert.match(formatComposeLine("router-dealer-broker-1  | config error: invalid X", { color: false }), /router-dealer-broker\s+config error: invalid X$/)
    assert.match(formatComposeLine(`\u001b[2Krouter-dealer-broker-1  | not json`, { color: false }), /^\s+router-dealer-broker\s+not json$/)
  })
})

describe("the view make logs prints", () => {
  const compose = (service: string, record: Record<string, unknown>) =>
    `${service}-1  | ${JSON.stringify({ timestamp: "2026-01-02T03:04:05.000Z", level: "info", service, pattern: "pubsub", instance: "a", message: String(record.event), ...record })}`
  const view = (options = {}) => new LogView({ color: false, ...options })

  it("leaves out the per-message lines unless asked, and keeps what the lab is about", () => {
    const lines = [
      compose("pubsub-subscriber", { event: "received", seq: 1 }),
      compose("pubsub-subscriber", { event: "socket.disconnect" }),
      compose("pubsub-subscriber", { event: "gap", count: 3 }),
    ]
    const quiet = view()
    assert.deepEqual(
      lines.flatMap(line => quiet.feed(line)).map(l => l.split(/\s+/)[2]),
      ["socket.disconnect", "gap"],
    )
    const verbose = view({ verbose: true })
    assert.equal(lines.flatMap(line => verbose.feed(line)).length, 3)
  })

  it("counts repeated connect retries instead of printing each, and says how many when something else comes", () => {
    const v = view()
    const retry = compose("pubsub-subscriber", { event: "socket.connect:retry" })
    const out = [retry, retry, retry, compose("pubsub-subscriber", { event: "socket.handshake" })].flatMap(line => v.feed(line))
    assert.equal(out.length, 3)
    assert.match(out[1]!, /… and 2 more socket\.connect:retry/)
    assert.match(out[2]!, /socket\.handshake/)
  })

  it("turns each stats line into a summary with rates, lost and duplicated", () => {
    const v = view()
    const stats = (at: string, received: number, lost: number) =>
      `pubsub-subscriber-1  | ${JSON.stringify({ timestamp: at, level: "info", service: "pubsub-subscriber", pattern: "pubsub", instance: "a", event: "stats", received, lost, duplicated: 0 })}`
    v.feed(stats("2026-01-02T03:04:00.000Z", 100, 0))
    const [line] = v.feed(stats("2026-01-02T03:04:05.000Z", 150, 2))
    assert.match(line!, /summary\s+received 150 \(10\.0\/s\) · lost 2 · duplicated 0/)
  })

  it("filters by pattern and by service, and always shows what is not a log record (a config error)", () => {
    const other = compose("pipeline-sink", { event: "gap", pattern: "pipeline" })
    assert.deepEqual(view({ pattern: "pubsub" }).feed(other), [])
    assert.deepEqual(view({ service: "pubsub-subscriber" }).feed(other), [])
    assert.equal(view({ service: "pipeline-sink" }).feed(other).length, 1)
    assert.match(view().feed('pubsub-publisher-1  | config error: invalid PUBSUB_RATE="x"')[0]!, /config error/)
  })

  it("lists the last life-cycle, fault and loss events as a table", () => {
    const records = [
      { timestamp: "2026-01-02T03:04:01.000Z", service: "a", event: "listening", message: "bound" },
      { timestamp: "2026-01-02T03:04:02.000Z", service: "a", event: "sent", message: "seq 1" },
      { timestamp: "2026-01-02T03:04:03.000Z", service: "b", event: "gap", message: "3 lost" },
    ]
    assert.equal(
      eventsTable(records, 10),
      [
        "time                     service  event      detail",
        "2026-01-02 03:04:01.000  a        listening  bound",
        "2026-01-02 03:04:03.000  b        gap        3 lost",
      ].join("\n"),
    )
    assert.equal(eventsTable(records, 1).split("\n").length, 2)
  })
})
