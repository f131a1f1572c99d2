import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { formatComposeLine, formatRecord, serviceColor } from "../../shared/pretty.js"

describe("pretty log lines", () => {
  const record = { timestamp: "2026-01-02T03:04:05.678Z", level: "warn", service: "pubsub-subscriber", pattern: "pubsub", event: "gap", message: "3 message(s) missing", count: 3 }

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
    const services = ["pubsub-publisher", "pubsub-subscriber", "pipeline-ventilator", "pipeline-worker-1", "pipeline-worker-2", "pipeline-sink", "reqrep-server", "reqrep-client", "rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"]
    assert.ok(new Set(services.map(serviceColor)).size >= 4, "at least four colors among the twelve services")
  })

  it("formats a compose log line holding JSON, and passes other text through", () => {
    assert.match(formatComposeLine(`pubsub-subscriber-1  | ${JSON.stringify(record)}`, { color: false }), /pubsub-subscriber\s+gap\s+3 message/)
    assert.match(formatComposeLine("rd-broker-1  | config error: invalid X", { color: false }), /rd-broker\s+config error: invalid X$/)
    assert.match(formatComposeLine(`\u001b[2Krd-broker-1  | not json`, { color: false }), /^\s+rd-broker\s+not json$/)
  })
})
