import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { patterns } from "../../scenarios/chaos/patterns.js"
import type { History } from "../../scenarios/runner/history.js"

/** A history from [service, event, fields] rows, one ms apart. */
const history = (rows: [string, string, Record<string, unknown>?][]): History => rows.map(([service, event, fields], t) => ({ t, service, event, variant: "main", ...fields }))

describe("the broker pattern's chaos figures", () => {
  const sent = (seq: number) => ["pp-client", "sent", { seq, incarnation: "c1" }] as [string, string, Record<string, unknown>]
  const replied = (seq: number) => ["pp-client", "received", { inReplyTo: { producer: "pp-client", seq } }] as [string, string, Record<string, unknown>]
  const handled = (worker: string, seq: number) => [worker, "delivered", { producer: "pp-client", incarnation: "c1", seq }] as [string, string, Record<string, unknown>]

  it("counts a request handled by both workers as delivered twice", () => {
    const figures = patterns.broker!.reliableFigures(history([sent(1), handled("pp-worker-1", 1), sent(1), handled("pp-worker-2", 1), replied(1), sent(2), handled("pp-worker-2", 2), replied(2)]))
    assert.deepEqual([figures.attempted, figures.acknowledged, figures.delivered, figures.duplicated, figures.lost], [2, 2, 2, 1, 0])
  })

  it("counts a request given up as unacknowledged, and an answer no worker handled as lost", () => {
    const figures = patterns.broker!.reliableFigures(history([sent(1), replied(1), sent(2), handled("pp-worker-1", 2)]))
    assert.deepEqual([figures.unacknowledged, figures.lost, figures.lostIds], [1, 1, "1"])
  })

  it("naive: a request the client gave up is lost, even if a worker handled it", () => {
    const figures = patterns.broker!.naiveFigures(
      history([
        ["rd-client", "sent", { seq: 1, incarnation: "n1" }],
        ["rd-worker-1", "received", { producer: "rd-client", incarnation: "n1", seq: 1 }],
        ["rd-client", "sent", { seq: 2, incarnation: "n1" }],
        ["rd-worker-2", "received", { producer: "rd-client", incarnation: "n1", seq: 2 }],
        ["rd-client", "received", { inReplyTo: { producer: "rd-client", seq: 2 } }],
      ]),
    )
    assert.deepEqual([figures.attempted, figures.acknowledged, figures.delivered, figures.lost, figures.lostIds], [2, 1, 2, 1, "1"])
  })
})

describe("the pubsub pattern's chaos figures", () => {
  const published = (version: number) => ["clone-publisher", "sent", { version }] as [string, string, Record<string, unknown>]
  const applied = (version: number, incarnation = "s1") => ["clone-subscriber", "received", { version, incarnation }] as [string, string, Record<string, unknown>]

  it("counts a change as delivered when applied or included in a loaded snapshot, and compares the final states", () => {
    const figures = patterns.pubsub!.reliableFigures(
      history([
        published(1),
        published(2),
        published(3),
        published(4),
        applied(1),
        ["clone-subscriber", "snapshot", { snapshotVersion: 3 }],
        applied(4),
        ["clone-publisher", "done", { values: { a: "1", b: "4" } }],
        ["clone-subscriber", "state", { values: { a: "1", b: "old" } }],
        ["clone-subscriber", "state", { values: { a: "1", b: "4" } }],
      ]),
    )
    assert.deepEqual([figures.attempted, figures.delivered, figures.lost, figures.duplicated, figures.unexpected, figures.finalStateDiffers], [4, 4, 0, 0, 0, 0])
    assert.equal(figures.acknowledged, null, "pub/sub has no acknowledgements")
  })

  it("finds changes never applied nor in a snapshot, changes applied twice, and a copy that differs", () => {
    const figures = patterns.pubsub!.reliableFigures(
      history([
        published(1),
        published(2),
        published(3),
        applied(1),
        applied(1),
        applied(3),
        applied(1, "s2"),
        applied(7),
        ["clone-publisher", "done", { values: { a: "3", b: "2" } }],
        ["clone-subscriber", "state", { values: { a: "3" } }],
      ]),
    )
    assert.deepEqual([figures.lost, figures.lostIds, figures.duplicated, figures.unexpected, figures.finalStateDiffers], [1, "2", 1, 1, 1])
  })
})
