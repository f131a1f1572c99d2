import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { formatComposeLine, formatRecord, serviceColor } from "../../shared/pretty.js"

describe("pretty log lines", () => {
  const record = { timestamp: "2026-01-02T03:04:05.678Z", level: "warn", service: "pubsub-subscriber", pattern: "pubsub", event: "gap", message: "3 message(s) missing", count: 3 }

  it("shows time, service, event, message and the event's own fields", () => {
    assert.equal(formatRecord(record, { color: false, width: 18 }), `03:04:05.678 pubsub-subscriber  ${"gap".padEnd(18)} 3 message(s) missing {"count":3}`)
  })

  it("gives each service one stable color", () => {
    assert.equal(serviceColor("rd-broker"), serviceColor("rd-broker"))
    assert.match(formatRecord(record), new RegExp(`\\u001b\\[${serviceColor("pubsub-subscriber")}mpubsub-subscriber`))
  })

  it("formats a compose log line holding JSON, and passes other text through", () => {
    assert.match(formatComposeLine(`pubsub-subscriber-1  | ${JSON.stringify(record)}`, { color: false }), /pubsub-subscriber\s+gap\s+3 message/)
    assert.match(formatComposeLine("rd-broker-1  | config error: invalid X", { color: false }), /rd-broker\s+config error: invalid X$/)
    assert.match(formatComposeLine(`\u001b[2Krd-broker-1  | not json`, { color: false }), /^\s+rd-broker\s+not json$/)
  })
})
