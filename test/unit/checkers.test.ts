// The checkers' own helpers on hand-made histories. The accounting they use is
// tested in accounting.test.ts; each scenario's checks, passing and failing,
// in scenario-checks.test.ts.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import {
  fanOut,
  foreignReplies,
  gapsLogged,
  loadBalanced,
  parseIds,
  recoveryMs,
  requestReply,
  sentUpTo,
  standardFigures,
} from "../../scenarios/runner/checkers.js"
import type { History, HistoryEvent } from "../../scenarios/runner/history.js"

let clock = 0
const at = (fields: Partial<HistoryEvent> & { service: string; event: string }, variant = "main"): HistoryEvent => ({ t: (clock += 100), variant, ...fields })
const declare = (service: string, stream: string, promise: string, variant = "main") =>
  at({ service, event: "producing", stream, promise, incarnation: "a" }, variant)
const sent = (seq: number, variant = "main") => at({ service: "pub", event: "sent", stream: "ticks", incarnation: "a", seq }, variant)
const got = (seq: number, variant = "main") => at({ service: "sub", event: "received", producer: "pub", stream: "ticks", incarnation: "a", seq }, variant)
const joined = (afterSeq: number, variant = "main") =>
  at({ service: "pub", event: "subscriber-joined", subscriber: "sub", stream: "ticks", incarnation: "a", afterSeq }, variant)

describe("the stream helpers", () => {
  it("finds one consumer's fan-out figures, and cuts the sends after a seq", () => {
    const history = [declare("pub", "ticks", "fan-out"), joined(0), ...[1, 2, 3, 4].map(seq => sent(seq)), got(1), got(2)]
    assert.equal(fanOut(history, { producer: "pub", consumer: "sub" })?.lost, 2)
    assert.equal(fanOut(sentUpTo(history, "pub", 2), { producer: "pub", consumer: "sub" })?.lost, 0, "what came after seq 2 is left out")
    assert.equal(fanOut(history, { producer: "pub", consumer: "nobody" }), undefined)
  })

  it("finds a load-balanced stream and a client's requests", () => {
    const history = [
      declare("vent", "tasks", "load-balanced"),
      at({ service: "vent", event: "sent", stream: "tasks", incarnation: "a", seq: 1 }),
      at({ service: "sink", event: "delivered", producer: "vent", stream: "tasks", incarnation: "a", seq: 1 }),
      declare("cli", "requests", "request-reply"),
      at({ service: "cli", event: "sent", stream: "requests", incarnation: "a", seq: 1 }),
    ]
    assert.equal(loadBalanced(history, { producer: "vent" })?.received, 1)
    assert.equal(requestReply(history, "cli")?.lost, 1)
  })

  it("reads the seqs a consumer's gap lines name, and the seqs of a lostIds text", () => {
    const history = [at({ service: "sub", event: "gap", missing: [{ from: 5, to: 6 }] }), at({ service: "sub", event: "gap", missing: [{ from: 2, to: 2 }] })]
    assert.deepEqual(gapsLogged(history, "sub"), [2, 5, 6])
    assert.deepEqual(parseIds("3-5, 9"), [3, 4, 5, 9])
    assert.deepEqual(parseIds("a1:1-2; b2:7"), [1, 2, 7])
    assert.deepEqual(parseIds(""), [])
  })

  it("counts replies meant for another client", () => {
    const history = [
      at({ service: "a", event: "received", inReplyTo: { producer: "a", seq: 1 } }),
      at({ service: "a", event: "received", inReplyTo: { producer: "b", seq: 1 } }),
      at({ service: "a", event: "unexpected-reply", seq: 7 }),
    ]
    assert.equal(foreignReplies(history, "a"), 2)
  })

  it("recovery: from the peer's return to the consumer's next message", () => {
    const history: History = [
      { t: 1000, service: "sub", event: "received", variant: "main", producer: "pub" },
      { t: 5000, service: "pub", event: "listening", variant: "main" },
      { t: 5400, service: "sub", event: "received", variant: "main", producer: "pub" },
    ]
    assert.equal(recoveryMs(history, { consumer: "sub", producer: "pub", from: 5000 }), 400)
    assert.equal(recoveryMs(history, { consumer: "sub", from: 6000 }), null)
  })
})

describe("standardFigures", () => {
  it("reports every declared stream by its promise, keyed by variant when there are several", () => {
    const history = [
      ...["one", "two"].flatMap(variant => [
        declare("pub", "ticks", "fan-out", variant),
        joined(0, variant),
        sent(1, variant),
        sent(2, variant),
        got(1, variant),
      ]),
      at({ service: "pub", event: "sent", stream: "undeclared", incarnation: "a", seq: 1 }, "one"),
    ]
    const { streams } = standardFigures(history)
    assert.deepEqual(Object.keys(streams), ["one: pub/ticks -> sub", "two: pub/ticks -> sub"])
    assert.equal(streams["one: pub/ticks -> sub"]!.lost, 1)
  })
})
