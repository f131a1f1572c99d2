import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { decodeEnvelope, encodeEnvelope, Producer, type BadMessageKind } from "../../shared/envelope.js"

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

  const cases: Array<[string, Buffer | undefined, RegExp, BadMessageKind]> = [
    ["a missing frame", undefined, /missing envelope frame/, "frame-count"],
    ["an empty frame", Buffer.alloc(0), /envelope frame is empty/, "empty-frame"],
    ["not JSON", frame("hello"), /not JSON/, "not-json"],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not UTF-8/, "invalid-utf8"],
    ["a JSON array", frame([1, 2]), /not a JSON object/, "not-an-object"],
    ["no version", frame({ producer: "p" }), /v \(the envelope version\) is missing/, "missing-field"],
    ["version 2", frame({ ...valid, v: 2 }), /unsupported envelope version 2/, "wrong-version"],
    ["an empty producer", frame({ ...valid, producer: "" }), /producer must be/, "wrong-type"],
    ["no producer", frame({ ...valid, producer: undefined }), /producer is missing/, "missing-field"],
    ["a numeric incarnation", frame({ ...valid, incarnation: 5 }), /incarnation must be/, "wrong-type"],
    ["seq 0", frame({ ...valid, seq: 0 }), /seq must be an integer from 1/, "bad-seq"],
    ["a negative seq", frame({ ...valid, seq: -5 }), /seq must be an integer from 1/, "bad-seq"],
    ["a seq above 2^53", frame({ ...valid, seq: 2 ** 64 }), /seq must be an integer from 1/, "bad-seq"],
    ["a fractional seq", frame({ ...valid, seq: 1.5 }), /seq must be/, "bad-seq"],
    ["a string seq", frame({ ...valid, seq: "1" }), /seq must be/, "wrong-type"],
    ["a string sentAt", frame({ ...valid, sentAt: "now" }), /sentAt must be a number/, "wrong-type"],
    ["no body", frame({ v: 1, producer: "p", incarnation: "i", seq: 1, sentAt: 1 }), /body is missing/, "missing-field"],
    ["a bad inReplyTo", frame({ ...valid, inReplyTo: { producer: "p" } }), /inReplyTo must be/, "wrong-type"],
    ["an oversized frame", frame({ ...valid, body: "x".repeat(MAX) }), /exceeds the maximum of 1024/, "too-large"],
  ]
  for (const [name, input, reason, kind] of cases) {
    it(`rejects ${name} with a clear reason and its kind`, () => {
      const decoded = decodeEnvelope(input, MAX)
      assert.equal(decoded.ok, false)
      assert.match((decoded as { reason: string }).reason, reason)
      assert.equal((decoded as { kind: string }).kind, kind)
    })
  }
})
