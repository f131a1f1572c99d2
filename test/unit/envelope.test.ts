import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { decodeEnvelope, encodeEnvelope, Producer } from "../../shared/envelope.js"

const MAX = 1024
const frame = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value))
const valid = { v: 1, producer: "pubsub-publisher", incarnation: "abc123", seq: 1, sentAt: 1_700_000_000_000, body: { n: 1 } }

describe("envelope", () => {
  it("round-trips through encode and decode", () => {
    const producer = new Producer("reqrep-server")
    const envelope = producer.next({ echo: "hi" }, { producer: "reqrep-client", seq: 7 }, 42)
    const decoded = decodeEnvelope(encodeEnvelope(envelope), MAX)
    assert.deepEqual(decoded, { ok: true, envelope })
    assert.deepEqual(envelope, {
      v: 1,
      producer: "reqrep-server",
      incarnation: producer.incarnation,
      seq: 1,
      sentAt: 42,
      body: { echo: "hi" },
      inReplyTo: { producer: "reqrep-client", seq: 7 },
    })
  })

  it("numbers messages 1, 2, 3 within an incarnation, and each producer gets a new incarnation", () => {
    const a = new Producer("x")
    assert.deepEqual([a.next(null).seq, a.next(null).seq, a.next(null).seq], [1, 2, 3])
    assert.equal(a.lastSeq, 3)
    assert.notEqual(a.incarnation, new Producer("x").incarnation)
  })

  it("accepts any JSON body, null included", () => {
    assert.equal(decodeEnvelope(frame({ ...valid, body: null }), MAX).ok, true)
  })

  const cases: Array<[string, Buffer | undefined, RegExp]> = [
    ["a missing frame", undefined, /missing envelope frame/],
    ["not JSON", frame("hello"), /not UTF-8 JSON/],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not UTF-8 JSON/],
    ["a JSON array", frame([1, 2]), /not a JSON object/],
    ["version 2", frame({ ...valid, v: 2 }), /unsupported envelope version 2/],
    ["no producer", frame({ ...valid, producer: "" }), /producer must be/],
    ["a numeric incarnation", frame({ ...valid, incarnation: 5 }), /incarnation must be/],
    ["seq 0", frame({ ...valid, seq: 0 }), /seq must be an integer >= 1/],
    ["a fractional seq", frame({ ...valid, seq: 1.5 }), /seq must be/],
    ["a string seq", frame({ ...valid, seq: "1" }), /seq must be/],
    ["a string sentAt", frame({ ...valid, sentAt: "now" }), /sentAt must be a number/],
    ["no body", frame({ v: 1, producer: "p", incarnation: "i", seq: 1, sentAt: 1 }), /body is missing/],
    ["a bad inReplyTo", frame({ ...valid, inReplyTo: { producer: "p" } }), /inReplyTo must be/],
    ["an oversized frame", frame({ ...valid, body: "x".repeat(MAX) }), /exceeds the maximum of 1024/],
  ]
  for (const [name, input, reason] of cases) {
    it(`rejects ${name} with a clear reason`, () => {
      const decoded = decodeEnvelope(input, MAX)
      assert.equal(decoded.ok, false)
      assert.match((decoded as { reason: string }).reason, reason)
    })
  }
})
