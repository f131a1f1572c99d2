// The checkers on hand-made histories: a clean run, a gap, a producer restart,
// duplicates, reordering and a timeout.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { delivery, foreignReplies, longestOutage, recoveryMs, requests, shares, standardFigures, taskRef } from "../../scenarios/runner/checkers.js"
import type { History, HistoryEvent } from "../../scenarios/runner/history.js"

let clock = 0
const at = (fields: Partial<HistoryEvent> & { service: string; event: string }): HistoryEvent => ({ t: (clock += 100), variant: "main", ...fields })
const sent = (incarnation: string, seq: number) => at({ service: "pub", event: "sent", incarnation, seq })
const got = (incarnation: string, seq: number) => at({ service: "sub", event: "received", producer: "pub", incarnation, seq })
const stream = (history: History) => delivery(history, { producer: "pub", consumer: "sub" })

describe("delivery", () => {
  it("a clean run: everything sent is received once, in order", () => {
    const history = [sent("a", 1), got("a", 1), sent("a", 2), got("a", 2), sent("a", 3), got("a", 3)]
    assert.deepEqual(stream(history), { sent: 3, received: 3, lost: 0, lostRanges: [], duplicated: 0, unexpected: 0, outOfOrder: 0 })
  })

  it("a gap: the lost messages as ranges", () => {
    const history = [1, 2, 3, 4, 5, 6].map(seq => sent("a", seq)).concat([got("a", 1), got("a", 4), got("a", 6)])
    assert.deepEqual(stream(history), { sent: 6, received: 3, lost: 3, lostRanges: [{ incarnation: "a", from: 2, to: 3 }, { incarnation: "a", from: 5, to: 5 }], duplicated: 0, unexpected: 0, outOfOrder: 0 })
  })

  it("a producer restart: the new incarnation is its own stream, not a gap or a duplicate", () => {
    const history = [sent("a", 1), got("a", 1), sent("a", 2), got("a", 2), sent("b", 1), sent("b", 2), got("b", 2)]
    const result = stream(history)
    assert.equal(result.lost, 1)
    assert.deepEqual(result.lostRanges, [{ incarnation: "b", from: 1, to: 1 }])
    assert.equal(result.duplicated, 0)
    assert.equal(result.outOfOrder, 0)
  })

  it("duplicates are counted once each, and not as received twice", () => {
    const history = [sent("a", 1), got("a", 1), got("a", 1), sent("a", 2), got("a", 2), got("a", 2), got("a", 2)]
    assert.deepEqual(stream(history), { sent: 2, received: 2, lost: 0, lostRanges: [], duplicated: 3, unexpected: 0, outOfOrder: 0 })
  })

  it("reordering: late arrivals are out of order, not lost", () => {
    const history = [sent("a", 1), sent("a", 2), sent("a", 3), got("a", 1), got("a", 3), got("a", 2)]
    assert.deepEqual(stream(history), { sent: 3, received: 3, lost: 0, lostRanges: [], duplicated: 0, unexpected: 0, outOfOrder: 1 })
  })

  it("a late joiner: what was sent before its first message is not its loss", () => {
    const history = [sent("a", 1), sent("a", 2), sent("a", 3), got("a", 3), sent("a", 4), got("a", 4)]
    assert.equal(stream(history).lost, 0)
    assert.equal(delivery(history, { producer: "pub", consumer: "sub", sinceJoined: false }).lost, 2)
  })

  it("something received that was never sent is unexpected", () => {
    const history = [sent("a", 1), got("a", 1), got("z", 9)]
    assert.equal(stream(history).unexpected, 1)
  })

  it("follows a pipeline task through the sink's result", () => {
    const history = [
      at({ service: "vent", event: "sent", incarnation: "v", seq: 1 }),
      at({ service: "vent", event: "sent", incarnation: "v", seq: 2 }),
      at({ service: "sink", event: "received", producer: "worker", incarnation: "w", seq: 1, ventilator: "vent", ventilatorIncarnation: "v", taskId: 2 }),
    ]
    const result = delivery(history, { producer: "vent", consumer: "sink", refOf: taskRef, sinceJoined: false })
    assert.deepEqual(result.lostRanges, [{ incarnation: "v", from: 1, to: 1 }])
  })
})

describe("requests", () => {
  it("counts replies, a timeout, and latency percentiles", () => {
    const history = [
      at({ service: "client", event: "sent", seq: 1 }),
      at({ service: "client", event: "received", inReplyTo: { producer: "client", seq: 1 }, rttMs: 10 }),
      at({ service: "client", event: "sent", seq: 2 }),
      at({ service: "client", event: "timeout", seq: 2 }),
      at({ service: "client", event: "sent", seq: 3 }),
      at({ service: "client", event: "received", inReplyTo: { producer: "client", seq: 3 }, rttMs: 30 }),
      at({ service: "client", event: "sent", seq: 4 }),
    ]
    assert.deepEqual(requests(history, "client"), { requests: 4, replies: 2, timeouts: 1, unanswered: 1, latencyP50: 10, latencyP99: 30 })
    assert.equal(foreignReplies(history, "client"), 0)
  })

  it("counts replies meant for another client", () => {
    const history = [
      at({ service: "a", event: "received", inReplyTo: { producer: "a", seq: 1 } }),
      at({ service: "a", event: "received", inReplyTo: { producer: "b", seq: 1 } }),
      at({ service: "a", event: "unexpected-reply", seq: 7 }),
    ]
    assert.equal(foreignReplies(history, "a"), 2)
  })
})

describe("time figures", () => {
  it("recovery: from the peer's return to the consumer's next message", () => {
    const history: History = [
      { t: 1000, service: "sub", event: "received", variant: "main", producer: "pub" },
      { t: 5000, service: "pub", event: "listening", variant: "main" },
      { t: 5400, service: "sub", event: "received", variant: "main", producer: "pub" },
    ]
    assert.equal(recoveryMs(history, { consumer: "sub", producer: "pub", from: 5000 }), 400)
    assert.equal(recoveryMs(history, { consumer: "sub", from: 6000 }), null)
    assert.deepEqual(longestOutage(history, { consumer: "sub" }), { ms: 4400, from: 1000, to: 5400 })
  })

  it("shares: results per worker", () => {
    const history = ["w1", "w2", "w1"].map(producer => at({ service: "sink", event: "received", producer }))
    assert.deepEqual(shares(history, "sink"), { w1: 2, w2: 1 })
  })
})

describe("standardFigures", () => {
  it("reports every producer -> consumer stream and every client's round trips", () => {
    const history = [
      sent("a", 1), got("a", 1), sent("a", 2), sent("a", 3), got("a", 3),
      at({ service: "client", event: "sent", seq: 1 }),
      at({ service: "client", event: "received", producer: "server", incarnation: "s", seq: 1, inReplyTo: { producer: "client", seq: 1 }, rttMs: 5 }),
    ]
    const { streams, requestReply } = standardFigures(history)
    assert.deepEqual(Object.keys(streams), ["pub -> sub", "server -> client"])
    assert.equal(streams["pub -> sub"]!.lost, 1)
    assert.equal(streams["pub -> sub"]!.longestOutageMs, 300)
    assert.deepEqual(requestReply.client, { requests: 1, replies: 1, timeouts: 0, unanswered: 0, latencyP50: 5, latencyP99: 5 })
  })
})
