// The chaos patterns' figures and the chaos run's checks, on hand-made
// histories: a reliable variant that lost, acknowledged what it lost, or
// delivered twice FAILs; a clean one PASSes.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { appliedFaults, chaosScenario } from "../../scenarios/chaos/chaos.js"
import { describeVariant, patterns } from "../../scenarios/chaos/patterns.js"
import type { History } from "../../scenarios/runner/history.js"

/** A history from [service, event, fields] rows, 10 ms apart. */
const history = (rows: [string, string, Record<string, unknown>?][]): History =>
  rows.map(([service, event, fields], i) => ({ t: i * 10, service, event, variant: "main", ...fields }))
type Row = [string, string, Record<string, unknown>?]

const verdict = (pattern: string, rows: Row[]) => {
  const scenario = chaosScenario(patterns[pattern]!, { durationS: 5, seed: 1 })
  const figures = scenario.figures(history(rows))
  return scenario.checks(figures).every(([, observed, expect]) => expect.test(observed)) ? "PASS" : "FAIL"
}

/** Every scheduled fault, applied to the naive variant's role services (and their ends). */
function faults(pattern: string): Row[] {
  const scenario = chaosScenario(patterns[pattern]!, { durationS: 5, seed: 1 })
  const scheduled = scenario.figures(history([])).scheduled as number
  const role = Object.values(patterns[pattern]!.roles)[0]!.naive
  return Array.from({ length: scheduled }, (): Row[] => [
    ["runner", "action", { action: "kill", target: role }],
    ["runner", "action", { action: "start", target: role }],
  ]).flat()
}

describe("the router-dealer pattern (request-reply)", () => {
  const declared: Row[] = [
    ["paranoid-pirate-client", "producing", { stream: "requests", promise: "request-reply", incarnation: "c1" }],
    ["router-dealer-client", "producing", { stream: "requests", promise: "request-reply", incarnation: "n1" }],
  ]
  const sent = (client: string, seq: number, attempt = 0): Row => [
    client,
    "sent",
    { stream: "requests", incarnation: client === "paranoid-pirate-client" ? "c1" : "n1", seq, attempt },
  ]
  const replied = (client: string, seq: number): Row => [
    client,
    "received",
    { instance: client === "paranoid-pirate-client" ? "c1" : "n1", inReplyTo: { producer: client, seq } },
  ]
  const handled = (worker: string, seq: number, client = "paranoid-pirate-client"): Row => [
    worker,
    "delivered",
    { producer: client, stream: "requests", incarnation: client === "paranoid-pirate-client" ? "c1" : "n1", seq },
  ]
  const clean: Row[] = [
    ...declared,
    sent("paranoid-pirate-client", 1),
    handled("paranoid-pirate-worker-1", 1),
    replied("paranoid-pirate-client", 1),
    sent("paranoid-pirate-client", 2),
    sent("paranoid-pirate-client", 2, 1),
    handled("paranoid-pirate-worker-2", 2),
    replied("paranoid-pirate-client", 2),
  ]

  it("counts a retried request once, and passes a reliable variant that lost nothing", () => {
    const f = patterns["router-dealer"]!.figures(history(clean), "reliable")
    assert.deepEqual([f.made, f.delivered, f.repeats, f.lost, f.duplicated], [2, 2, 1, 0, 0])
    assert.equal(describeVariant(f), "2 requests: 2 answered, 0 lost, 1 retries")
    assert.equal(verdict("router-dealer", [...clean, ...faults("router-dealer")]), "PASS")
  })

  it("fails when a request was handled twice, answered but never handled, or lost", () => {
    assert.equal(verdict("router-dealer", [...clean, ...faults("router-dealer"), handled("paranoid-pirate-worker-2", 1)]), "FAIL")
    assert.equal(
      verdict("router-dealer", [...declared, ...faults("router-dealer"), sent("paranoid-pirate-client", 1), replied("paranoid-pirate-client", 1)]),
      "FAIL",
    )
    assert.equal(verdict("router-dealer", [...clean, ...faults("router-dealer"), sent("paranoid-pirate-client", 3)]), "FAIL")
  })

  it("fails when a scheduled fault was not applied", () => {
    assert.equal(verdict("router-dealer", [...clean, ...faults("router-dealer").slice(2)]), "FAIL")
  })

  it("naive: a request given up is lost, even if a worker handled it", () => {
    const f = patterns["router-dealer"]!.figures(
      history([
        ...declared,
        sent("router-dealer-client", 1),
        handled("router-dealer-worker-1", 1, "router-dealer-client"),
        sent("router-dealer-client", 2),
        handled("router-dealer-worker-2", 2, "router-dealer-client"),
        replied("router-dealer-client", 2),
      ]),
      "naive",
    )
    assert.deepEqual([f.made, f.delivered, f.lost, f.lostIds, f.acknowledgedButLost], [2, 1, 1, "1", 0])
  })
})

describe("the pipeline pattern (load-balanced, acknowledged)", () => {
  const declared: Row = ["reliable-pipeline-ventilator", "producing", { stream: "tasks", promise: "load-balanced", incarnation: "e", acknowledged: true }]
  const sent = (seq: number): Row => ["reliable-pipeline-ventilator", "sent", { stream: "tasks", incarnation: "e", seq }]
  const delivered = (seq: number): Row => [
    "reliable-pipeline-sink",
    "delivered",
    { producer: "reliable-pipeline-ventilator", stream: "tasks", incarnation: "e", seq },
  ]
  const acked = (seq: number): Row => ["reliable-pipeline-ventilator", "acked", { stream: "tasks", incarnation: "e", seq }]

  it("passes when every task is delivered once and acknowledged", () => {
    assert.equal(verdict("pipeline", [declared, sent(1), sent(2), delivered(1), acked(1), delivered(2), acked(2), ...faults("pipeline")]), "PASS")
  })

  it("fails on a task acknowledged but never delivered, delivered twice, or never acknowledged", () => {
    const f = patterns.pipeline!.figures(history([declared, sent(1), acked(1)]), "reliable")
    assert.deepEqual([f.acknowledgedButLost, f.lost], [1, 1])
    assert.equal(verdict("pipeline", [declared, sent(1), acked(1), ...faults("pipeline")]), "FAIL")
    assert.equal(verdict("pipeline", [declared, sent(1), delivered(1), delivered(1), acked(1), ...faults("pipeline")]), "FAIL")
    assert.equal(verdict("pipeline", [declared, sent(1), delivered(1), ...faults("pipeline")]), "FAIL")
  })
})

describe("the pubsub pattern (a copy of the store)", () => {
  const published = (version: number): Row => ["clone-publisher", "sent", { stream: "updates", incarnation: "e", seq: version }]
  const applied = (version: number, instance = "s1"): Row => [
    "clone-subscriber",
    "delivered",
    { producer: "clone-publisher", stream: "updates", incarnation: "e", seq: version, instance },
  ]
  const done = (values: Record<string, string>): Row => ["clone-publisher", "done", { values }]
  const state = (values: Record<string, string>): Row => ["clone-subscriber", "state", { values }]

  it("counts a change in the copy when applied or in a loaded snapshot, and passes when the copy equals the original", () => {
    const rows: Row[] = [
      published(1),
      published(2),
      published(3),
      published(4),
      applied(1),
      ["clone-subscriber", "snapshot", { snapshotVersion: 3 }],
      applied(4),
      done({ a: "1", b: "4" }),
      state({ a: "1", b: "old" }),
      state({ a: "1", b: "4" }),
    ]
    const f = patterns.pubsub!.figures(history(rows), "reliable")
    assert.deepEqual([f.made, f.delivered, f.lost, f.duplicated, f.finalStateDiffers], [4, 4, 0, 0, 0])
    assert.equal(verdict("pubsub", [...rows, ...faults("pubsub")]), "PASS")
  })

  it("counts the same change applied by one copy twice as a duplicate, but not by a restarted copy", () => {
    const f = patterns.pubsub!.figures(history([published(1), applied(1), applied(1), applied(1, "s2")]), "reliable")
    assert.equal(f.duplicated, 1)
  })

  it("fails on a change neither applied nor in a snapshot, a copy that differs, and a missing final state", () => {
    assert.equal(verdict("pubsub", [published(1), published(2), applied(2), done({ a: "2" }), state({ a: "2" }), ...faults("pubsub")]), "FAIL")
    assert.equal(verdict("pubsub", [published(1), applied(1), done({ a: "1" }), state({ a: "0" }), ...faults("pubsub")]), "FAIL")
    const missing = patterns.pubsub!.figures(history([published(1), applied(1), done({ a: "1" })]), "reliable")
    assert.equal(missing.finalStateDiffers, null, "no final state is not an empty one")
    assert.equal(verdict("pubsub", [published(1), applied(1), done({ a: "1" }), ...faults("pubsub")]), "FAIL")
  })
})

describe("the faults as applied", () => {
  it("counts the begins on the naive services and spans from the first command to the last recovery", () => {
    const rows: Row[] = [
      ["runner", "action", { action: "kill", target: "reqrep-server", startedAt: 5 }],
      ["runner", "action", { action: "kill", target: "lazy-pirate-server", startedAt: 5 }],
      ["runner", "action", { action: "start", target: "reqrep-server" }],
      ["runner", "action", { action: "pause", target: "reqrep-server" }],
      ["runner", "action", { action: "unpause", target: "reqrep-server" }],
    ]
    assert.deepEqual(appliedFaults(history(rows), patterns.reqrep!), { count: 2, spanMs: 40 - 5 })
  })
})
