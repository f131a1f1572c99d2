// The accounting model on hand-made inputs: the live view a consumer keeps,
// and the figures of a run recounted from its history, for each promise.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import {
  account,
  describeStream,
  formatRanges,
  longestSilence,
  StreamViews,
  toRanges,
  type FanOutFigures,
  type LoadBalancedFigures,
  type TimedRecord,
  type Observation,
  type RequestReplyFigures,
  type StreamRef,
} from "../../shared/accounting.js"

const ticks: StreamRef = { producer: "pub", incarnation: "a", stream: "ticks" }
const kinds = (observations: Observation[]) => observations.map(o => o.kind)

describe("a subscriber's live view (fan-out)", () => {
  it("starts the promise at the join: what was sent before is before-join, not lost", () => {
    const view = new StreamViews({ promise: "fan-out" })
    const joined = view.join(ticks, 12, 0)
    assert.deepEqual(joined, [{ ref: ticks, kind: "joined", afterSeq: 12, beforeJoin: 12, receivedBeforeJoin: 0 }])
    assert.deepEqual(kinds([13, 14, 15].flatMap(seq => view.observe(ticks, seq, 0))), ["in-order", "in-order", "in-order"])
    assert.deepEqual(view.totals(), { received: 3, notDue: 12, lost: 0, pending: 0, duplicated: 0 })
  })

  it("counts messages due after the join that never came as lost, even when the first one seen is later (no counting from the first seen)", () => {
    const view = new StreamViews({ promise: "fan-out" })
    view.join(ticks, 0, 0)
    const gap = view.observe(ticks, 5, 0).find(o => o.kind === "gap")
    assert.equal(gap?.kind === "gap" && formatRanges(gap.missing), "1-4")
    assert.equal(view.totals().lost, 4)
  })

  it("keeps aside what arrives before the welcome, then judges it", () => {
    const view = new StreamViews({ promise: "fan-out" })
    assert.deepEqual(view.observe(ticks, 9, 0), [], "nothing to say before the join is known")
    assert.deepEqual(view.observe(ticks, 10, 0), [])
    const joined = view.join(ticks, 10, 0)
    assert.deepEqual(joined[0], { ref: ticks, kind: "joined", afterSeq: 10, beforeJoin: 8, receivedBeforeJoin: 2 })
    view.observe(ticks, 11, 0)
    assert.deepEqual(view.totals(), { received: 3, notDue: 8, lost: 0, pending: 0, duplicated: 0 })
  })

  it("keeps the first join: a rejoin after a cut does not forgive what was lost meanwhile", () => {
    const view = new StreamViews({ promise: "fan-out" })
    view.join(ticks, 0, 0)
    ;[1, 2, 3].forEach(seq => view.observe(ticks, seq, 0))
    assert.deepEqual(view.join(ticks, 20, 0), [])
    view.observe(ticks, 21, 0)
    assert.equal(view.totals().lost, 17)
  })

  it("tells duplicates and late arrivals apart", () => {
    const view = new StreamViews({ promise: "fan-out" })
    view.join(ticks, 0, 0)
    const observations = [1, 2, 2, 5, 3, 3].flatMap(seq => view.observe(ticks, seq, 0))
    assert.deepEqual(kinds(observations), ["in-order", "in-order", "duplicate", "gap", "late", "duplicate"])
    assert.deepEqual(view.totals(), { received: 4, notDue: 0, lost: 1, pending: 0, duplicated: 2 })
  })

  it("sees a new incarnation as a restart with its own promise", () => {
    const view = new StreamViews({ promise: "fan-out" })
    view.join(ticks, 0, 0)
    ;[1, 2, 3].forEach(seq => view.observe(ticks, seq, 0))
    const next = { ...ticks, incarnation: "b" }
    const observations = view.join(next, 4, 0)
    assert.deepEqual(kinds(observations), ["restart", "joined"])
    view.observe(next, 5, 0)
    assert.deepEqual(view.stats()["pub/ticks"], { incarnation: "b", received: 4, notDue: 4, lost: 0, pending: 0, duplicated: 0, late: 0, restarts: 1 })
  })

  it("takes everything as due when no welcome comes within the wait", () => {
    const view = new StreamViews({ promise: "fan-out", joinWaitMs: 1000 })
    view.observe(ticks, 3, 0)
    assert.deepEqual(view.expire(500), [])
    const observations = view.expire(1000)
    assert.deepEqual(kinds(observations), ["join-unknown", "gap"])
    assert.equal(view.totals().lost, 2)
  })
})

describe("the end of a pipeline's live view (load-balanced)", () => {
  const tasks: StreamRef = { producer: "vent", incarnation: "v", stream: "tasks" }

  it("waits out the grace before declaring a task lost: reordering is not loss", () => {
    const view = new StreamViews({ promise: "load-balanced", graceMs: 1000 })
    assert.deepEqual(kinds([1, 3].flatMap(seq => view.observe(tasks, seq, 0))), ["in-order"])
    assert.deepEqual(kinds(view.observe(tasks, 2, 500)), ["out-of-order"])
    view.observe(tasks, 5, 600)
    assert.deepEqual(view.expire(1599), [])
    const [gap] = view.expire(1600)
    assert.equal(gap?.kind === "gap" && formatRanges(gap.missing), "4")
  })

  it("counts every task from 1 as due, unless it was sent before this consumer started", () => {
    const due = new StreamViews({ promise: "load-balanced", graceMs: 0, startedAt: 1000 })
    due.observe(tasks, 3, 2000, 1500)
    assert.equal(due.totals().lost, 2, "tasks 1-2 were sent after the sink started: due, and lost")
    const late = new StreamViews({ promise: "load-balanced", graceMs: 0, startedAt: 1000 })
    late.observe(tasks, 3, 2000, 900)
    late.observe(tasks, 4, 2000, 1100)
    assert.deepEqual(late.totals(), { received: 2, notDue: 2, lost: 0, pending: 0, duplicated: 0 })
  })
})

// --- the figures of a run ---------------------------------------------------------

let clock = 0
const at = (service: string, event: string, fields: Record<string, unknown> = {}): TimedRecord => ({ t: (clock += 10), service, event, ...fields })
const declare = (service: string, stream: string, promise: string, extra: Record<string, unknown> = {}) =>
  at(service, "producing", { stream, promise, incarnation: "a", ...extra })
const sent = (service: string, stream: string, seq: number, extra: Record<string, unknown> = {}) =>
  at(service, "sent", { stream, incarnation: "a", seq, ...extra })
const about = (producer: string, stream: string, seq: number, incarnation = "a") => ({ producer, stream, incarnation, seq })

describe("a run's figures, fan-out", () => {
  const run = (consumerEvents: TimedRecord[], joinAfter: number | undefined) => {
    const history = [
      declare("pub", "ticks", "fan-out"),
      ...(joinAfter === undefined ? [] : [at("pub", "subscriber-joined", { subscriber: "sub", stream: "ticks", incarnation: "a", afterSeq: joinAfter })]),
      ...[1, 2, 3, 4, 5, 6].map(seq => sent("pub", "ticks", seq)),
      ...consumerEvents,
    ]
    return account(history)[0] as FanOutFigures
  }
  const got = (seq: number) => at("sub", "received", about("pub", "ticks", seq))

  it("splits what did not arrive into before-join and lost, by the publisher's join", () => {
    const f = run([got(4), got(6)], 2)
    assert.deepEqual([f.sent, f.received, f.beforeJoin, f.lost, f.lostIds], [6, 2, 2, 2, "3, 5"])
  })

  it("with no join seen, everything counts as due (a loss is shown, not hidden)", () => {
    const f = run([got(4), got(5), got(6)], undefined)
    assert.deepEqual([f.beforeJoin, f.lost, f.joinedAfter], [0, 3, { a: null }])
  })

  it("counts a message received twice once, and the repeat as a duplicate", () => {
    const f = run([got(1), got(2), got(2), got(3), got(4), got(5), got(6)], 0)
    assert.deepEqual([f.received, f.duplicated, f.lost], [6, 1, 0])
  })

  it("measures the outage to the end of the stream: the silence after the last receipt counts", () => {
    const history: TimedRecord[] = [
      { t: 0, service: "pub", event: "producing", stream: "ticks", promise: "fan-out", incarnation: "a" },
      { t: 0, service: "pub", event: "subscriber-joined", subscriber: "sub", stream: "ticks", incarnation: "a", afterSeq: 0 },
      ...[1, 2, 3].map(seq => ({ t: seq * 100, service: "pub", event: "sent", stream: "ticks", incarnation: "a", seq })),
      { t: 110, service: "sub", event: "received", ...about("pub", "ticks", 1) },
    ]
    const f = account(history)[0] as FanOutFigures
    assert.equal(f.longestOutageMs, 300 - 110, "from the last receipt to the last send")
  })
})

describe("a run's figures, load-balanced", () => {
  const history = (rest: TimedRecord[], acknowledged = false) => [
    declare("vent", "tasks", "load-balanced", acknowledged ? { acknowledged: true } : {}),
    ...[1, 2, 3, 4].map(seq => sent("vent", "tasks", seq)),
    ...rest,
  ]
  const took = (worker: string, seq: number) => at(worker, "received", about("vent", "tasks", seq))
  const delivered = (seq: number) => at("sink", "delivered", about("vent", "tasks", seq))

  it("reports per-worker counts as shares that add up, and loss only at the end", () => {
    const f = account(history([took("w1", 1), took("w2", 2), took("w1", 3), took("w2", 4), ...[1, 2, 3, 4].map(delivered)]))[0] as LoadBalancedFigures
    assert.deepEqual(f.shares, { w1: 2, w2: 2 })
    assert.deepEqual([f.sent, f.received, f.lost, f.duplicated], [4, 4, 0, 0])
  })

  it("names a task lost in a worker's hands", () => {
    const f = account(history([took("w1", 1), took("w2", 2), delivered(1)]))[0] as LoadBalancedFigures
    assert.deepEqual([f.lost, f.lostIds, f.lostAfterTaken], [3, "2-4", 1])
  })

  it("makes 'acknowledged but lost' a real figure: non-zero when an acknowledged task never reached the end", () => {
    const ack = (seq: number) => at("vent", "acked", { stream: "tasks", incarnation: "a", seq })
    const f = account(history([delivered(1), ack(1), ack(2)], true))[0] as LoadBalancedFigures
    assert.deepEqual([f.acknowledged, f.acknowledgedButLost], [2, 1])
    const none = account(history([delivered(1)]))[0] as LoadBalancedFigures
    assert.equal(none.acknowledged, null, "a producer that takes no acknowledgements")
  })

  it("reports redeliveries absorbed by deduplication apart from duplicates that reached the application", () => {
    const f = account(history([delivered(1), at("sink", "duplicate-dropped", about("vent", "tasks", 1)), delivered(2), delivered(2)]))[0] as LoadBalancedFigures
    assert.deepEqual([f.absorbed, f.duplicated], [1, 1])
  })
})

describe("a run's figures, request-reply", () => {
  const client = (rest: TimedRecord[]) => account([declare("cli", "requests", "request-reply"), ...rest])[0] as RequestReplyFigures
  const reply = (seq: number) => at("cli", "received", { instance: "a", producer: "srv", inReplyTo: { producer: "cli", seq }, rttMs: 5 })
  const handled = (server: string, seq: number) => at(server, "delivered", about("cli", "requests", seq))

  it("counts a request tried three times once, with two retries, answered once", () => {
    const f = client([
      sent("cli", "requests", 1),
      sent("cli", "requests", 1, { attempt: 1 }),
      sent("cli", "requests", 1, { attempt: 2 }),
      handled("srv", 1),
      reply(1),
    ])
    assert.deepEqual([f.sent, f.tries, f.retries, f.received, f.lost], [1, 3, 2, 1, 0])
  })

  it("loses a request only when no try was answered; one awaited at the stop is abandoned", () => {
    const f = client([
      sent("cli", "requests", 1),
      sent("cli", "requests", 2),
      sent("cli", "requests", 2, { attempt: 1 }),
      sent("cli", "requests", 3),
      reply(1),
      at("cli", "abandoned", { stream: "requests", incarnation: "a", ids: [3] }),
    ])
    assert.deepEqual([f.received, f.lost, f.lostIds, f.abandoned], [1, 1, "2", 1])
  })

  it("makes 'answered but never handled' a real figure, and handling twice a duplicate", () => {
    const f = client([sent("cli", "requests", 1), sent("cli", "requests", 2), reply(1), handled("srv", 2), handled("srv2", 2), reply(2)])
    assert.deepEqual([f.answeredButNotHandled, f.duplicated, f.shares], [1, 1, { srv: 1, srv2: 1 }])
  })
})

describe("small helpers", () => {
  it("turns ids into ranges and back into text", () => {
    assert.equal(formatRanges(toRanges([9, 3, 4, 5, 3])), "3-5, 9")
  })

  it("finds the longest silence with head and tail", () => {
    assert.equal(longestSilence([20, 30], 0, 100), 70)
    assert.equal(longestSilence([], 0, 100), 100)
  })
})

describe("a stream's figures in words", () => {
  it("names shares as shares and loss as loss, with the lost seqs", () => {
    const history: TimedRecord[] = [
      { t: 0, service: "vent", event: "producing", stream: "tasks", promise: "load-balanced", incarnation: "a" },
      ...[1, 2, 3].map(seq => ({ t: seq, service: "vent", event: "sent", stream: "tasks", incarnation: "a", seq })),
      ...[1, 2].map(seq => ({ t: 10 + seq, service: seq === 1 ? "w1" : "w2", event: "received", producer: "vent", stream: "tasks", incarnation: "a", seq })),
      { t: 20, service: "sink", event: "delivered", producer: "vent", stream: "tasks", incarnation: "a", seq: 1 },
    ]
    assert.equal(describeStream(account(history)[0]!), "3 sent, 1 delivered at the end, 2 lost (seq 2-3); shares, not losses: w1 1, w2 1; longest silence 2 ms")
  })
})

describe("a long-lived view", () => {
  it("keeps the figures of incarnations it no longer follows: totals never go backwards", () => {
    const view = new StreamViews({ promise: "fan-out" })
    for (let i = 0; i < 8; i++) {
      const ref = { ...ticks, incarnation: `inc${i}` }
      view.join(ref, 0, 0)
      view.observe(ref, 1, 0)
      view.observe(ref, 3, 0)
    }
    assert.deepEqual(view.totals(), { received: 16, notDue: 0, lost: 8, pending: 0, duplicated: 0 })
    assert.equal(view.stats()["pub/ticks"]!.restarts, 7)
  })
})
