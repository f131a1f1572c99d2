// The figures of every run that `make test` performed, recounted by another,
// deliberately simple route: plain sets of ids read from each run's
// history.ndjson, without the lab's accounting code. For every stream of every
// scenario and chaos run, sent / received / lost / duplicated must agree with
// what its result.json reports. RUNS_DIR names the folder of runs (make test's
// own); every run folder in it is recounted.
import assert from "node:assert/strict"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, resolve } from "node:path"
import { describe, it } from "node:test"
import { fileURLToPath } from "node:url"
import { LiveFigures } from "../../shared/live-figures.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const runsDir = resolve(root, process.env.RUNS_DIR ?? "runs/make-test")

type Event = Record<string, unknown> & { service: string; event: string; variant: string }
interface Row {
  stream: string
  unit: string
  made: number
  delivered: number
  lost: number
}
interface Counted {
  sent: number
  received: number
  lost: number
  duplicated: number
}

const key = (incarnation: unknown, seq: unknown) => `${String(incarnation)}#${String(seq)}`

/** The four figures of every declared stream of one variant's events, keyed as a report keys them. */
function recount(events: Event[]): Map<string, Counted> {
  const result = new Map<string, Counted>()
  const declared = new Map<string, string>()
  for (const e of events) if (e.event === "producing" && !declared.has(`${e.service}/${String(e.stream)}`)) declared.set(`${e.service}/${String(e.stream)}`, String(e.promise))
  for (const [name, promise] of declared) {
    const [producer, stream] = name.split("/") as [string, string]
    const sends = events.filter(e => e.service === producer && e.event === "sent" && e.stream === stream)
    const sent = new Set(sends.map(e => key(e.incarnation, e.seq)))
    const about = (e: Event) => e.producer === producer && e.stream === stream
    if (promise === "fan-out") {
      const joins = events.filter(e => e.service === producer && e.event === "subscriber-joined" && e.stream === stream)
      const receipts = events.filter(e => e.event === "received" && about(e))
      const consumers = new Set([...joins.map(e => String(e.subscriber)), ...receipts.map(e => e.service)])
      for (const consumer of consumers) {
        const mine = receipts.filter(e => e.service === consumer).map(e => key(e.incarnation, e.seq))
        const got = new Set(mine)
        // The first join to an incarnation: after it, every message is due.
        const joinedAfter = (incarnation: string) => joins.find(j => j.subscriber === consumer && j.incarnation === incarnation)?.afterSeq as number | undefined
        const due = [...sent].filter(k => {
          const [incarnation, seq] = k.split("#") as [string, string]
          const after = joinedAfter(incarnation)
          return after === undefined || Number(seq) > after
        })
        const counted = { sent: sent.size, received: [...got].filter(k => sent.has(k)).length, lost: due.filter(k => !got.has(k)).length, duplicated: mine.length - got.size }
        if (sends.length > 0 || mine.length > 0) result.set(`${name} -> ${consumer}`, counted)
      }
    } else if (promise === "load-balanced") {
      const deliveries = events.filter(e => e.event === "delivered" && about(e)).map(e => key(e.incarnation, e.seq))
      const delivered = new Set(deliveries)
      if (sends.length > 0 || deliveries.length > 0) result.set(name, { sent: sent.size, received: [...delivered].filter(k => sent.has(k)).length, lost: [...sent].filter(k => !delivered.has(k)).length, duplicated: deliveries.length - delivered.size })
    } else {
      const answered = new Set(events.filter(e => e.service === producer && e.event === "received" && (e.inReplyTo as { producer?: string } | undefined)?.producer === producer).map(e => key(e.instance, (e.inReplyTo as { seq: number }).seq)))
      const abandoned = new Set(events.filter(e => e.service === producer && e.event === "abandoned" && e.stream === stream).flatMap(e => (e.ids as number[]).map(id => key(e.incarnation, id))))
      const handlings = events.filter(e => e.event === "delivered" && about(e)).map(e => key(e.incarnation, e.seq))
      if (sends.length > 0)
        result.set(name, {
          sent: sent.size,
          received: [...answered].filter(k => sent.has(k)).length,
          lost: [...sent].filter(k => !answered.has(k) && !abandoned.has(k)).length,
          duplicated: handlings.length - new Set(handlings).size,
        })
    }
  }
  return result
}

const runs = existsSync(runsDir)
  ? readdirSync(runsDir)
      .filter(name => name !== "latest" && statSync(join(runsDir, name)).isDirectory())
      .sort()
  : []

describe(`every run in ${runsDir}, recounted from its history`, () => {
  it("holds runs to recount (make test performs the catalogue and the chaos runs first)", () => {
    assert.ok(runs.length > 0, `no run folders in ${runsDir}`)
    assert.ok(runs.some(name => name.includes("chaos-")), "no chaos run among them")
  })

  for (const run of runs) {
    it(run, () => {
      const history = readFileSync(join(runsDir, run, "history.ndjson"), "utf8")
        .split("\n")
        .filter(line => line.trim() !== "")
        .map(line => JSON.parse(line) as Event)
      const result = JSON.parse(readFileSync(join(runsDir, run, "result.json"), "utf8")) as {
        scenario: string
        verdict: string
        error?: string
        figures: { streams?: Record<string, Counted>; naive?: Row; reliable?: Row }
      }
      // A SKIPPED run (the machine lacks what it needs) ran nothing: it says why, and has nothing to recount.
      if (result.verdict === "SKIPPED") {
        assert.ok(result.error && result.error.length > 20, "a SKIPPED run says why")
        assert.deepEqual([history.length, result.figures.streams ?? {}], [0, {}], "a SKIPPED run ran nothing")
        return
      }
      const variants = [...new Set(history.map(e => e.variant))]
      const recounted = new Map<string, Counted>()
      for (const variant of variants) {
        for (const [name, counted] of recount(history.filter(e => e.variant === variant))) recounted.set(variants.length > 1 ? `${variant}: ${name}` : name, counted)
      }
      // The observer's live figures, fed the same lines, agree once everything has settled.
      for (const variant of variants) {
        const live = new LiveFigures(0)
        for (const e of history) if (e.variant === variant) live.add({ ...e, t: e.t as number })
        const rows = live.rows(Number.POSITIVE_INFINITY)
        const prefix = variants.length > 1 ? `${variant}: ` : ""
        const mine = [...recounted.keys()].filter(name => name.startsWith(prefix)).sort()
        assert.deepEqual(rows.map(r => prefix + r.key).sort(), mine, `${variant}: the live figures have the same streams`)
        for (const r of rows) assert.deepEqual({ sent: r.sent, received: r.received, lost: r.lost, duplicated: r.duplicated }, recounted.get(prefix + r.key), `live: ${prefix}${r.key}`)
      }
      const reported = result.figures.streams ?? {}
      assert.deepEqual(Object.keys(reported).sort(), [...recounted.keys()].sort(), "the same streams")
      for (const [name, counted] of recounted) {
        const { sent, received, lost, duplicated } = reported[name]!
        assert.deepEqual({ sent, received, lost, duplicated }, counted, name)
      }
      // A chaos run's naive/reliable rows for tasks and requests are the same streams' figures.
      for (const side of ["naive", "reliable"] as const) {
        const figures = result.scenario.startsWith("chaos-") ? result.figures[side] : undefined
        if (!figures || figures.unit === "changes") continue
        const stream = reported[figures.stream]
        assert.ok(stream, `${side}: ${figures.stream} among the figures`)
        assert.deepEqual({ made: figures.made, delivered: figures.delivered, lost: figures.lost }, { made: stream.sent, delivered: stream.received, lost: stream.lost }, side)
      }
    })
  }
})
