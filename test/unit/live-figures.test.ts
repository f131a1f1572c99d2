// The ids as ranges against plain sets, and the live figures' one rule of their
// own: in flight until settled. (That they agree with the recount once settled
// is held over every run of make test in test/runs/recount.test.ts.)
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import type { TimedRecord } from "../../shared/accounting.js"
import { RangeSet } from "../../shared/id-set.js"
import { LiveFigures } from "../../shared/live-figures.js"

/** A small deterministic generator (mulberry32): the same numbers every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b)
const members = (set: RangeSet) => set.toRanges().flatMap(r => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))

describe("RangeSet", () => {
  it("holds what a plain set holds, in few ranges, and so do its intersection and difference", () => {
    const next = random(7)
    for (let round = 0; round < 50; round++) {
      const a = new RangeSet()
      const b = new RangeSet()
      const plainA = new Set<number>()
      const plainB = new Set<number>()
      for (let i = 0; i < 200; i++) {
        const n = 1 + Math.floor(next() * 120)
        assert.equal(a.add(n), !plainA.has(n), `add ${n}: new or not`)
        plainA.add(n)
        const m = 1 + Math.floor(next() * 120)
        b.add(m)
        plainB.add(m)
      }
      assert.deepEqual(members(a), sorted(plainA))
      assert.equal(a.size, plainA.size)
      for (let n = 0; n <= 121; n++) assert.equal(a.has(n), plainA.has(n), `has ${n}`)
      assert.deepEqual(members(a.intersect(b)), sorted(new Set([...plainA].filter(n => plainB.has(n)))))
      assert.deepEqual(members(a.minus(b)), sorted(new Set([...plainA].filter(n => !plainB.has(n)))))
      assert.deepEqual(members(a.within(30, 60)), sorted(new Set([...plainA].filter(n => n >= 30 && n <= 60))))
      // Disjoint and not adjacent: as few ranges as the numbers allow.
      for (const [x, y] of a.toRanges().map((r, i, all) => [r, all[i + 1]] as const)) if (y) assert.ok(x.to + 1 < y.from)
    }
  })

  it("keeps a long contiguous stream as one range", () => {
    const set = new RangeSet()
    for (let n = 1; n <= 100_000; n++) set.add(n)
    assert.deepEqual(set.toRanges(), [{ from: 1, to: 100_000 }])
  })
})

const line = (t: number, service: string, event: string, fields: Record<string, unknown> = {}): TimedRecord => ({ t, service, event, ...fields })

describe("LiveFigures", () => {
  it("fan-out: a message not yet received is in flight until the settle time has passed, then lost; before the join it is neither", () => {
    const live = new LiveFigures(1000)
    const ref = { producer: "pub", stream: "ticks", incarnation: "a" }
    live.add(line(0, "pub", "producing", { stream: "ticks", promise: "fan-out", incarnation: "a" }))
    for (let seq = 1; seq <= 5; seq++) live.add(line(seq * 100, "pub", "sent", { stream: "ticks", incarnation: "a", seq }))
    live.add(line(150, "pub", "subscriber-joined", { stream: "ticks", incarnation: "a", afterSeq: 1, subscriber: "sub" }))
    for (const seq of [2, 4, 4]) live.add(line(seq * 100 + 5, "sub", "received", { ...ref, seq }))
    const at = (now: number) => live.rows(now).find(r => r.consumer === "sub")!
    assert.deepEqual(
      (({ sent, received, lost, inFlight, duplicated, beforeJoin }) => ({ sent, received, lost, inFlight, duplicated, beforeJoin }))(at(1350)),
      { sent: 5, received: 2, lost: 1, inFlight: 1, duplicated: 1, beforeJoin: 1 },
      "seq 3 (sent at 300) has settled by 1350, seq 5 (sent at 500) has not",
    )
    assert.equal(at(Number.POSITIVE_INFINITY).lost, 2)
  })

  it("load-balanced: shares per worker, loss judged at the sink; request-reply: answered, retries, abandoned", () => {
    const live = new LiveFigures(0)
    live.add(line(0, "vent", "producing", { stream: "tasks", promise: "load-balanced", incarnation: "v" }))
    for (let seq = 1; seq <= 4; seq++) live.add(line(seq, "vent", "sent", { stream: "tasks", incarnation: "v", seq }))
    const task = (seq: number) => ({ producer: "vent", stream: "tasks", incarnation: "v", seq })
    live.add(line(10, "w1", "received", task(1)))
    live.add(line(10, "w2", "received", task(2)))
    live.add(line(10, "w1", "received", task(3)))
    for (const seq of [1, 2]) live.add(line(20, "sink", "delivered", task(seq)))
    live.add(line(0, "client", "producing", { stream: "requests", promise: "request-reply", incarnation: "c" }))
    for (const [seq, attempt] of [
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 0],
    ] as const)
      live.add(line(30, "client", "sent", { stream: "requests", incarnation: "c", seq, attempt }))
    live.add(line(40, "server", "delivered", { producer: "client", stream: "requests", incarnation: "c", seq: 2 }))
    live.add(line(41, "client", "received", { instance: "c", seq: 1, inReplyTo: { producer: "client", seq: 2 } }))
    live.add(line(50, "client", "abandoned", { stream: "requests", incarnation: "c", ids: [3] }))
    const [requests, tasks] = live.rows(Number.POSITIVE_INFINITY)
    assert.deepEqual(
      { sent: tasks!.sent, received: tasks!.received, lost: tasks!.lost, shares: tasks!.shares },
      { sent: 4, received: 2, lost: 2, shares: { w1: 2, w2: 1 } },
      "tasks 3 (taken by w1) and 4 (taken by none) never reached the sink",
    )
    assert.deepEqual(
      { sent: requests!.sent, received: requests!.received, lost: requests!.lost, resends: requests!.resends, abandoned: requests!.abandoned },
      { sent: 3, received: 1, lost: 1, resends: 1, abandoned: 1 },
    )
  })
})
