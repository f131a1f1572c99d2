// The accounting model's figures while the lab runs (the observer's counters),
// in bounded memory: the same rules as `account()` in accounting.ts (read its
// header for the promises), kept up line by line with ids as ranges
// (id-set.ts) instead of the whole history. One difference only, because the
// run has not ended: a message sent less than `settleMs` ago and not yet
// received is in flight, not lost. Once everything has settled the figures
// are `account()`'s own (test/runs/recount.test.ts holds them to a plain
// recount of every run of `make test`).
import { EVENTS, PROMISES, type DeliveryPromise, type TimedRecord } from "./accounting.js"
import { IdSet } from "./id-set.js"

/** Receipts by one consumer: distinct ids, and how many receipts in all. */
interface Tally {
  ids: IdSet
  count: number
}

interface Facts {
  producer: string
  stream: string
  declared?: { promise: DeliveryPromise; acknowledged: boolean }
  sent: IdSet
  sends: number
  /** First sends not yet settled, oldest first, per incarnation: what is still in flight. */
  recent: Map<string, { seq: number; t: number }[]>
  /** Per incarnation, the highest seq whose first send has settled. */
  settledUpTo: Map<string, number>
  /** Fan-out: the first join of each consumer to each incarnation. */
  joins: Map<string, Map<string, number>>
  received: Map<string, Tally>
  delivered: Map<string, Tally>
  deliveredAll: Tally
  answered: Tally
  absorbed: number
  acked: IdSet
  abandoned: IdSet
}

export interface LiveRow {
  /** As a report keys it: "producer/stream", and " -> consumer" for fan-out. */
  key: string
  promise: DeliveryPromise
  producer: string
  stream: string
  consumer?: string
  /** Distinct messages (requests) sent. */
  sent: number
  /** fan-out: distinct received; load-balanced: delivered at the end; request-reply: answered. */
  received: number
  /** Due, settled, never received (delivered, answered). */
  lost: number
  /** Sent less than the settle time ago and not received yet. */
  inFlight: number
  duplicated: number
  /** fan-out: sent before the consumer's join and not received. */
  beforeJoin?: number
  /** load-balanced and request-reply: distinct messages per consumer (server): shares, not losses. */
  shares?: Record<string, number>
  /** Sends (tries) beyond the first per message. */
  resends?: number
  abandoned?: number
  /** load-balanced, acknowledged streams: acknowledged yet never delivered. */
  acknowledgedButLost?: number
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined)
const tally = (): Tally => ({ ids: new IdSet(), count: 0 })
const count = (t: Tally, incarnation: string, seq: number) => {
  t.ids.add(incarnation, seq)
  t.count += 1
}

export class LiveFigures {
  private readonly streams = new Map<string, Facts>()

  constructor(private readonly settleMs: number) {}

  private facts(producer: string, stream: string): Facts {
    const name = `${producer}/${stream}`
    let facts = this.streams.get(name)
    if (!facts) {
      facts = {
        producer,
        stream,
        sent: new IdSet(),
        sends: 0,
        recent: new Map(),
        settledUpTo: new Map(),
        joins: new Map(),
        received: new Map(),
        delivered: new Map(),
        deliveredAll: tally(),
        answered: tally(),
        absorbed: 0,
        acked: new IdSet(),
        abandoned: new IdSet(),
      }
      this.streams.set(name, facts)
    }
    return facts
  }

  /** The client's request stream, which its replies name by the client's own seq. */
  private requestStream(client: string): Facts | undefined {
    for (const f of this.streams.values()) if (f.producer === client && f.declared?.promise === "request-reply") return f
    return undefined
  }

  /** One line of the log contract; lines of other events are ignored. Lines may come in any order across services. */
  add(e: TimedRecord): void {
    const own = () => {
      const stream = text(e.stream)
      const incarnation = text(e.incarnation)
      const seq = num(e.seq)
      return stream ? { facts: this.facts(e.service, stream), incarnation, seq } : undefined
    }
    const about = () => {
      const producer = text(e.producer)
      const stream = text(e.stream)
      const incarnation = text(e.incarnation)
      const seq = num(e.seq)
      return producer && stream && incarnation && seq !== undefined ? { facts: this.facts(producer, stream), incarnation, seq } : undefined
    }
    switch (e.event) {
      case EVENTS.producing: {
        const promise = text(e.promise) as DeliveryPromise | undefined
        const o = own()
        if (o && promise && PROMISES.includes(promise)) o.facts.declared ??= { promise, acknowledged: e.acknowledged === true }
        break
      }
      case EVENTS.sent: {
        const o = own()
        if (!o || !o.incarnation || o.seq === undefined) break
        o.facts.sends += 1
        if (o.facts.sent.add(o.incarnation, o.seq)) {
          const recent = o.facts.recent.get(o.incarnation) ?? []
          recent.push({ seq: o.seq, t: e.t })
          o.facts.recent.set(o.incarnation, recent)
        }
        break
      }
      case EVENTS.joined: {
        const o = own()
        const subscriber = text(e.subscriber)
        const afterSeq = num(e.afterSeq)
        if (!o || !o.incarnation || !subscriber || afterSeq === undefined) break
        const joins = o.facts.joins.get(subscriber) ?? new Map<string, number>()
        if (!joins.has(o.incarnation)) joins.set(o.incarnation, afterSeq)
        o.facts.joins.set(subscriber, joins)
        break
      }
      case EVENTS.received: {
        const reply = e.inReplyTo as { producer?: unknown; seq?: unknown } | undefined
        if (reply && typeof reply === "object") {
          const facts = this.requestStream(e.service)
          const instance = text(e.instance)
          const seq = num(reply.seq)
          if (facts && instance && seq !== undefined && reply.producer === e.service) count(facts.answered, instance, seq)
          break
        }
        const a = about()
        if (!a) break
        const t = a.facts.received.get(e.service) ?? tally()
        count(t, a.incarnation, a.seq)
        a.facts.received.set(e.service, t)
        break
      }
      case EVENTS.delivered: {
        const a = about()
        if (!a) break
        const t = a.facts.delivered.get(e.service) ?? tally()
        count(t, a.incarnation, a.seq)
        a.facts.delivered.set(e.service, t)
        count(a.facts.deliveredAll, a.incarnation, a.seq)
        break
      }
      case EVENTS.absorbed: {
        const a = about()
        if (a) a.facts.absorbed += 1
        break
      }
      case EVENTS.acked: {
        const o = own()
        if (o && o.incarnation && o.seq !== undefined) o.facts.acked.add(o.incarnation, o.seq)
        break
      }
      case EVENTS.abandoned: {
        const o = own()
        if (o && o.incarnation && Array.isArray(e.ids)) for (const id of e.ids) if (typeof id === "number") o.facts.abandoned.add(o.incarnation, id)
        break
      }
    }
  }

  /** Moves what was sent `settleMs` before `now` out of flight. */
  private settle(facts: Facts, now: number): void {
    for (const [incarnation, recent] of facts.recent) {
      let upTo = facts.settledUpTo.get(incarnation) ?? 0
      while (recent.length > 0 && now - recent[0]!.t >= this.settleMs) upTo = Math.max(upTo, recent.shift()!.seq)
      facts.settledUpTo.set(incarnation, upTo)
    }
  }

  /** Every declared stream's figures at `now` (Infinity: everything has settled, as at the end of a run). */
  rows(now: number): LiveRow[] {
    const rows: LiveRow[] = []
    for (const facts of this.streams.values()) {
      if (!facts.declared) continue
      if (facts.sends === 0 && facts.received.size === 0 && facts.delivered.size === 0) continue
      this.settle(facts, now)
      const settled = facts.sent.restrict(incarnation => ({ from: 1, to: facts.settledUpTo.get(incarnation) ?? 0 }))
      const base = { promise: facts.declared.promise, producer: facts.producer, stream: facts.stream, sent: facts.sent.size }
      if (facts.declared.promise === "fan-out") {
        const consumers = [...new Set([...facts.joins.keys(), ...facts.received.keys()])].sort()
        for (const consumer of consumers) {
          const got = facts.received.get(consumer) ?? tally()
          const joins = facts.joins.get(consumer) ?? new Map<string, number>()
          // No join seen for an incarnation: everything is due (a loss is reported rather than hidden).
          const due = (set: IdSet) => set.restrict(incarnation => ({ from: (joins.get(incarnation) ?? 0) + 1, to: Number.MAX_SAFE_INTEGER }))
          const notDue = facts.sent.restrict(incarnation => (joins.has(incarnation) ? { from: 1, to: joins.get(incarnation)! } : undefined))
          const missing = due(facts.sent).minus(got.ids)
          const lost = due(settled).minus(got.ids).size
          rows.push({
            ...base,
            key: `${facts.producer}/${facts.stream} -> ${consumer}`,
            consumer,
            received: got.ids.intersect(facts.sent).size,
            lost,
            inFlight: missing.size - lost,
            duplicated: got.count - got.ids.size,
            beforeJoin: notDue.minus(got.ids).size,
          })
        }
      } else if (facts.declared.promise === "load-balanced") {
        const delivered = facts.deliveredAll.ids
        const lost = settled.minus(delivered).size
        const acked = facts.declared.acknowledged ? facts.acked : undefined
        rows.push({
          ...base,
          key: `${facts.producer}/${facts.stream}`,
          received: delivered.intersect(facts.sent).size,
          lost,
          inFlight: facts.sent.minus(delivered).size - lost,
          duplicated: facts.deliveredAll.count - delivered.size,
          shares: sharesOf(facts.received),
          resends: facts.sends - facts.sent.size,
          ...(acked ? { acknowledgedButLost: acked.minus(delivered).size } : {}),
        })
      } else {
        const answered = facts.answered.ids
        const open = facts.sent.minus(answered).minus(facts.abandoned)
        const lost = settled.minus(answered).minus(facts.abandoned).size
        rows.push({
          ...base,
          key: `${facts.producer}/${facts.stream}`,
          received: answered.intersect(facts.sent).size,
          lost,
          inFlight: open.size - lost,
          duplicated: facts.deliveredAll.count - facts.deliveredAll.ids.size,
          shares: sharesOf(facts.delivered),
          resends: facts.sends - facts.sent.size,
          abandoned: facts.abandoned.intersect(facts.sent).minus(answered).size,
        })
      }
    }
    return rows.sort((a, b) => (a.key < b.key ? -1 : 1))
  }
}

const sharesOf = (by: Map<string, Tally>): Record<string, number> =>
  Object.fromEntries([...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, t]) => [name, t.ids.size]))
