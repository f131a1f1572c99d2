// The fuzz test's own pure parts: the "random" greetings are the same at every
// run (so the README's table can be compared), and the lab's messages are
// found in the raw bytes a hostile peer read.
import assert from "node:assert/strict"
import { it } from "node:test"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { dealtIn, expectedKind, malformedKinds, seededBytes, TARGETS } from "../support/fuzz.js"

it("makes the same bytes from the same seed, other bytes from another", () => {
  assert.deepEqual(seededBytes(1)(64), seededBytes(1)(64))
  assert.notDeepEqual(seededBytes(1)(64), seededBytes(2)(64))
})

it("finds the lab's envelopes in ZMTP 1.0 framing", () => {
  const producer = new Producer("pipeline-ventilator", { stream: "tasks" })
  const frames = [1, 2].map(() => encodeEnvelope(producer.next({ taskId: 1, workMs: 10 })))
  const wire = Buffer.concat(frames.flatMap(frame => [Buffer.from([frame.length + 1, 0]), frame]))
  assert.deepEqual(dealtIn(wire), [
    { producer: "pipeline-ventilator", seq: 1 },
    { producer: "pipeline-ventilator", seq: 2 },
  ])
  assert.deepEqual(dealtIn(Buffer.from("GET / HTTP/1.1")), [])
})

it("has ten kinds, and every socket that reads knows what each one is", () => {
  const kinds = malformedKinds(1024)
  assert.equal(kinds.length, 10)
  assert.equal(new Set(kinds.map(k => k.kind)).size, 10)
  for (const target of TARGETS) for (const { expect } of kinds) assert.equal(expectedKind(target, expect) === undefined, target.type === "PUSH")
})
