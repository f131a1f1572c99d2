import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { formatRanges, SequenceTracker, type Observation } from "../../shared/sequence.js"

const kinds = (observations: Observation[]) => observations.map(o => o.kind)

/** Feeds seqs of one incarnation at time 0 and returns every observation. */
function feed(tracker: SequenceTracker, seqs: number[], incarnation = "a", now = 0): Observation[] {
  return seqs.flatMap(seq => tracker.observe("p", incarnation, seq, now))
}

describe("SequenceTracker, ordered streams (PUB/SUB)", () => {
  it("sees an in-order stream as joined then in order, nothing missed", () => {
    const tracker = new SequenceTracker()
    assert.deepEqual(kinds(feed(tracker, [1, 2, 3, 4])), ["joined", "in-order", "in-order", "in-order"])
    assert.deepEqual(tracker.snapshot().p, { received: 4, missed: 0, duplicated: 0, outOfOrder: 0, late: 0, restarts: 0, incarnation: "a", lastSeq: 4 })
  })

  it("reports a late joiner's first seq and does not count earlier messages as missed", () => {
    const tracker = new SequenceTracker()
    const [joined] = feed(tracker, [41, 42])
    assert.deepEqual(joined, { kind: "joined", producer: "p", incarnation: "a", seq: 41, missedBeforeJoin: 40 })
    assert.equal(tracker.snapshot().p!.missed, 0)
  })

  it("logs a gap once, with the exact missing ranges and count", () => {
    const tracker = new SequenceTracker()
    const observations = feed(tracker, [1, 2, 6, 7, 9])
    const gaps = observations.filter(o => o.kind === "gap")
    assert.deepEqual(gaps, [
      { kind: "gap", producer: "p", incarnation: "a", missing: [{ from: 3, to: 5 }], count: 3 },
      { kind: "gap", producer: "p", incarnation: "a", missing: [{ from: 8, to: 8 }], count: 1 },
    ])
    assert.equal(tracker.snapshot().p!.missed, 4)
  })

  it("counts duplicates, and a message filling a declared gap as late (no longer missed)", () => {
    const tracker = new SequenceTracker()
    const observations = feed(tracker, [1, 2, 2, 5, 3, 3])
    assert.deepEqual(kinds(observations), ["joined", "in-order", "duplicate", "gap", "late", "duplicate"])
    assert.deepEqual(tracker.snapshot().p, { received: 6, missed: 1, duplicated: 2, outOfOrder: 0, late: 1, restarts: 0, incarnation: "a", lastSeq: 5 })
  })

  it("logs a new incarnation as a restart, never as a gap or a negative count", () => {
    const tracker = new SequenceTracker()
    feed(tracker, [1, 2, 3, 4, 5])
    const observations = feed(tracker, [1, 2], "b")
    assert.deepEqual(observations[0], { kind: "restart", producer: "p", incarnation: "b", previousIncarnation: "a", previousLastSeq: 5, seq: 1, missedAtStart: 0 })
    assert.deepEqual(kinds(observations), ["restart", "in-order"])
    assert.deepEqual(tracker.snapshot().p, { received: 7, missed: 0, duplicated: 0, outOfOrder: 0, late: 0, restarts: 1, incarnation: "b", lastSeq: 2 })
  })

  it("counts what a restarted producer sent before we reconnected as missed at start", () => {
    const tracker = new SequenceTracker()
    feed(tracker, [1, 2])
    const [restart] = feed(tracker, [4], "b")
    assert.equal(restart?.kind === "restart" && restart.missedAtStart, 3)
    assert.equal(tracker.snapshot().p!.missed, 3)
  })

  it("keeps producers apart", () => {
    const tracker = new SequenceTracker()
    tracker.observe("x", "1", 1, 0)
    tracker.observe("y", "1", 1, 0)
    assert.deepEqual(kinds(tracker.observe("x", "1", 2, 0)), ["in-order"])
    assert.deepEqual(Object.keys(tracker.snapshot()), ["x", "y"])
  })
})

describe("SequenceTracker, reordering streams (pipeline sink)", () => {
  it("holds a gap for the grace period, then declares only what is still missing", () => {
    const tracker = new SequenceTracker(1000)
    assert.deepEqual(kinds(feed(tracker, [1, 2, 5], "a", 0)), ["joined", "in-order"])
    assert.equal(tracker.pendingCount(), 2)
    assert.deepEqual(kinds(tracker.observe("p", "a", 3, 500)), ["out-of-order"])
    assert.deepEqual(tracker.expire(999), [])
    assert.deepEqual(tracker.expire(1000), [{ kind: "gap", producer: "p", incarnation: "a", missing: [{ from: 4, to: 4 }], count: 1 }])
    assert.deepEqual(tracker.expire(5000), [])
    assert.equal(tracker.pendingCount(), 0)
    assert.deepEqual(tracker.snapshot().p, { received: 4, missed: 1, duplicated: 0, outOfOrder: 1, late: 0, restarts: 0, incarnation: "a", lastSeq: 5 })
  })

  it("splits a pending range when a number inside it arrives", () => {
    const tracker = new SequenceTracker(100)
    feed(tracker, [1, 10, 5])
    const [gap] = tracker.expire(100)
    assert.equal(gap?.kind === "gap" && formatRanges(gap.missing), "2-4, 6-9")
    assert.equal(gap?.kind === "gap" && gap.count, 7)
  })

  it("sorts out a reordered start: numbers below the first one are out of order once, then duplicates", () => {
    const tracker = new SequenceTracker(100)
    assert.deepEqual(kinds(feed(tracker, [3, 1, 2, 1])), ["joined", "out-of-order", "out-of-order", "duplicate"])
  })

  it("accounts messages of an earlier incarnation to their own stream after a restart", () => {
    const tracker = new SequenceTracker(100)
    feed(tracker, [1, 3], "a", 0)
    assert.deepEqual(kinds(tracker.observe("p", "b", 1, 10)), ["restart"])
    assert.deepEqual(kinds(tracker.observe("p", "a", 2, 20)), ["out-of-order"])
    assert.deepEqual(tracker.expire(1000), [])
    assert.equal(tracker.snapshot().p!.restarts, 1)
  })
})

describe("formatRanges", () => {
  it("writes single numbers and ranges", () => {
    assert.equal(formatRanges([{ from: 3, to: 3 }, { from: 5, to: 9 }]), "3, 5-9")
  })
})
