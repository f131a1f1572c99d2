// The fuzz test's own pure parts: the "random" greetings are the same at every
// run (so the README's table can be compared), and the lab's messages are
// found in the raw bytes a hostile peer read.
import assert from "node:assert/strict"
import { it } from "node:test"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { dealtIn, expectedKind, heldConnections, malformedKinds, seededBytes, TARGETS } from "../support/fuzz.js"

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

it("counts the connections a socket still holds from one address, in the kernel's table", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    // 192.168.0.29:5570 <- 192.168.0.1:53748, established
    "   0: 1D00A8C0:15C2 0100A8C0:D1F4 01 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1",
    // the same, the peer gone, the socket not yet (CLOSE_WAIT)
    "   1: 1D00A8C0:15C2 0100A8C0:D1F5 08 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1",
    // closed on both sides (TIME_WAIT): let go
    "   2: 1D00A8C0:15C2 0100A8C0:D1F6 06 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 20 4 30 10 -1",
    // a worker of the lab (192.168.0.30) on the same port: not from this host
    "   3: 1D00A8C0:15C2 1E00A8C0:8000 01 00000000:00000000 00:00000000 00000000  1000        0 4 1 0 20 4 30 10 -1",
    // the listening socket itself
    "   4: 00000000:15C2 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 20 4 30 10 -1",
  ].join("\n")
  assert.equal(heldConnections(table, 5570, "192.168.0.1"), 2)
  assert.equal(heldConnections(table, 5571, "192.168.0.1"), 0)
  assert.equal(heldConnections(table, 5570, "192.168.0.30"), 1)
})
