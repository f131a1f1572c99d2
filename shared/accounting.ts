// The accounting model: what each pattern promises its consumers, and how what
// happened is counted against that promise. Pure: no sockets, no Docker, no
// clock (time comes in as an argument). One set of rules serves three readers:
//   - a consumer's live view of the streams it gets (`StreamViews`: its
//     `joined`, `gap` and `stats` lines);
//   - the figures of a run, recounted from its history (`account`: every
//     scenario's standard figures, the chaos runs, the checkers);
//   - the reports, which name each figure as it is defined here.
//
// A stream is one producer's numbering of one kind of message: (producer,
// incarnation, stream). The incarnation is the numbering's lifetime: a process
// start, or a journal's life where the numbers outlive the process (the
// reliable ventilator's task ids, the Clone store's versions). Each stream has
// the delivery promise of its pattern:
//   fan-out        (PUB/SUB) every subscriber gets every message sent after its
//                  subscription was in place. What was sent before is "before
//                  join" (the slow-joiner effect): a figure of its own, never
//                  hidden, never a loss. After it, a message that never
//                  arrives is lost. A consumer restarted later is the same
//                  consumer: what it missed while down is lost to it.
//   load-balanced  (PUSH/PULL, a broker's workers) each message should reach
//                  exactly one consumer of the set: per-consumer counts are
//                  shares, never loss. Loss is judged at the end of the
//                  pipeline (the sink), where the work is done.
//   request-reply  a request has one id however many times it is tried; tries
//                  beyond the first are retries; it is lost only when no try
//                  was answered. "Handled" is the server's work, done.
// Snapshots, welcomes, heartbeats and ready signals are not numbers of a data
// stream: they are never counted here.
import type { EventName } from "./log-events.js"

export type DeliveryPromise = "fan-out" | "load-balanced" | "request-reply"
export const PROMISES: readonly DeliveryPromise[] = ["fan-out", "load-balanced", "request-reply"]

export interface StreamRef {
  producer: string
  incarnation: string
  stream: string
}

export const streamKey = (ref: StreamRef): string => `${ref.producer}/${ref.stream}@${ref.incarnation}`

/** The events of the log contract (log-events.ts) this model reads. */
export const EVENTS = {
  /** A producer names a stream and its promise, once per start: {stream, promise, incarnation, acknowledged?}. */
  producing: "producing",
  /** A message (or one try of a request) left: {stream, incarnation, seq, attempt?}. */
  sent: "sent",
  /** Fan-out, by the publisher: a subscriber's subscription is in place after seq `afterSeq`: {subscriber, stream, incarnation, afterSeq}. */
  joined: "subscriber-joined",
  /** A message reached a consumer: {producer, incarnation, stream, seq}; a client's reply also has {inReplyTo}. */
  received: "received",
  /** The work for a message is done and recorded (the sink, a server, a worker after dedup): {producer, incarnation, stream, seq}. */
  delivered: "delivered",
  /** A redelivery absorbed by deduplication (answered or acknowledged, not handled again): same fields. */
  absorbed: "duplicate-dropped",
  /** The producer holds an acknowledgement: {stream, incarnation, seq}. */
  acked: "acked",
  /** Requests still waiting for their reply when the client stopped: {stream, incarnation, ids}. */
  abandoned: "abandoned",
} as const satisfies Record<string, EventName>

// --- ranges ---------------------------------------------------------------------

export interface Range {
  from: number
  to: number
}

export const rangeCount = (ranges: readonly Range[]): number => ranges.reduce((sum, r) => sum + r.to - r.from + 1, 0)

/** "3-7, 9": a compact text for log lines and reports. */
export const formatRanges = (ranges: readonly Range[]): string => ranges.map(r => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(", ")

/** The ranges of a set of ids, sorted. */
export function toRanges(ids: Iterable<number>): Range[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const ranges: Range[] = []
  for (const id of sorted) {
    const last = ranges.at(-1)
    if (last && last.to === id - 1) last.to = id
    else ranges.push({ from: id, to: id })
  }
  return ranges
}

/**
 * Removes `seq` from the range holding it; false when no range holds it. The
 * ranges are disjoint and in order (a ledger only ever appends higher ones and
 * splits them in place): a binary search finds it, whatever their number.
 */
function takeFrom<R extends Range>(ranges: R[], seq: number): boolean {
  let low = 0
  let high = ranges.length - 1
  let index = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    const range = ranges[middle]!
    if (seq < range.from) high = middle - 1
    else if (seq > range.to) low = middle + 1
    else {
      index = middle
      break
    }
  }
  if (index < 0) return false
  const range = ranges[index]!
  const pieces: R[] = []
  if (range.from < seq) pieces.push({ ...range, to: seq - 1 })
  if (seq < range.to) pieces.push({ ...range, from: seq + 1 })
  ranges.splice(index, 1, ...pieces)
  return true
}

/** Removes every number up to `last` from the ranges; returns how many were removed. */
function cutBelow<R extends Range>(ranges: R[], last: number): number {
  let removed = 0
  for (let i = ranges.length - 1; i >= 0; i--) {
    const range = ranges[i]!
    if (range.from > last) continue
    const upTo = Math.min(range.to, last)
    removed += upTo - range.from + 1
    if (range.to <= last) ranges.splice(i, 1)
    else ranges[i] = { ...range, from: last + 1 }
  }
  return removed
}

// --- the live view: one consumer, one stream ----------------------------------------

export type LedgerEvent =
  | { kind: "in-order"; seq: number }
  /** Messages due to this consumer that did not arrive (after the reorder grace). */
  | { kind: "gap"; missing: Range[]; count: number }
  | { kind: "duplicate"; seq: number }
  | { kind: "out-of-order"; seq: number }
  /** Arrived after it had been declared lost: no longer lost. */
  | { kind: "late"; seq: number }

export interface LedgerFigures {
  /** Distinct messages that arrived, due or not. */
  received: number
  /** Sent before this consumer's promise began (before join, before it started) and not received. */
  notDue: number
  /** The promise's first number (null: not known yet, waiting for the join). */
  dueFrom: number | null
  lost: number
  lostRanges: Range[]
  /** Missing, within the reorder grace: not lost yet. */
  pending: number
  duplicated: number
  outOfOrder: number
  late: number
  highest: number
}

interface Pending extends Range {
  since: number
}

/**
 * What one consumer knows of one stream, in bounded memory: the highest
 * number seen, and the numbers missing below it as ranges. A number missing
 * is pending for `graceMs` (results come back through several workers, out of
 * order), then lost. Where the promise begins (`dueFrom`) may be unknown at
 * first (a subscriber waiting for its join): what arrives meanwhile is kept
 * aside and judged once it is known.
 */
export class SequenceLedger {
  private dueFrom: number | undefined
  private highest = 0
  private pending: Pending[] = []
  private lost: Range[] = []
  /** Numbers received while the promise's start was unknown, or below it. */
  private readonly aside = new Set<number>()
  private notDue = 0
  private received = 0
  private duplicated = 0
  private outOfOrder = 0
  private late = 0
  /** When the first message arrived while the promise's start was unknown. */
  firstAsideAt: number | undefined

  constructor(
    private readonly graceMs: number,
    dueFrom?: number,
  ) {
    if (dueFrom !== undefined) this.startAt(dueFrom)
  }

  get known(): boolean {
    return this.dueFrom !== undefined
  }

  private startAt(dueFrom: number): void {
    this.dueFrom = dueFrom
    this.highest = Math.max(this.highest, dueFrom - 1)
  }

  /**
   * Nothing up to `afterSeq` was due to this consumer. The first call sets the
   * promise's start (a join); a later call moves it up (a message that was
   * sent before this consumer started shows that all below it were too).
   * Returns what the messages kept aside turned out to be.
   */
  dueAfter(afterSeq: number, now: number): LedgerEvent[] {
    if (this.dueFrom === undefined) {
      this.startAt(afterSeq + 1)
      const below = [...this.aside].filter(seq => seq <= afterSeq)
      this.notDue += afterSeq - below.length
      const above = [...this.aside].filter(seq => seq > afterSeq).sort((a, b) => a - b)
      for (const seq of above) this.aside.delete(seq)
      this.received -= above.length
      return above.flatMap(seq => this.place(seq, now))
    }
    if (afterSeq < this.dueFrom) return []
    // Numbers below the new start that never arrived were not due after all.
    this.notDue += cutBelow(this.pending, afterSeq)
    this.notDue += cutBelow(this.lost, afterSeq)
    if (afterSeq > this.highest) this.notDue += afterSeq - this.highest
    this.highest = Math.max(this.highest, afterSeq)
    this.dueFrom = afterSeq + 1
    return []
  }

  observe(seq: number, now: number): LedgerEvent[] {
    if (this.dueFrom === undefined || seq < this.dueFrom) {
      if (this.aside.has(seq)) {
        this.duplicated += 1
        return [{ kind: "duplicate", seq }]
      }
      // A message below the start is one of the not-due ones arriving after all.
      if (this.dueFrom !== undefined) this.notDue = Math.max(0, this.notDue - 1)
      this.aside.add(seq)
      this.firstAsideAt ??= now
      this.received += 1
      return []
    }
    return this.place(seq, now)
  }

  private place(seq: number, now: number): LedgerEvent[] {
    if (seq === this.highest + 1) {
      this.highest = seq
      this.received += 1
      return [{ kind: "in-order", seq }]
    }
    if (seq > this.highest) {
      this.pending.push({ from: this.highest + 1, to: seq - 1, since: now })
      this.highest = seq
      this.received += 1
      return this.graceMs === 0 ? this.expire(now) : []
    }
    if (takeFrom(this.pending, seq)) {
      this.received += 1
      this.outOfOrder += 1
      return [{ kind: "out-of-order", seq }]
    }
    if (takeFrom(this.lost, seq)) {
      this.received += 1
      this.late += 1
      return [{ kind: "late", seq }]
    }
    this.duplicated += 1
    return [{ kind: "duplicate", seq }]
  }

  /** Declares lost what has been missing for longer than the grace. */
  expire(now: number): LedgerEvent[] {
    // Pending ranges are made in time order: when the oldest is within its grace, so are all (checked on every message).
    if (this.pending.length === 0 || now - this.pending[0]!.since < this.graceMs) return []
    const due = this.pending.filter(range => now - range.since >= this.graceMs)
    if (due.length === 0) return []
    this.pending = this.pending.filter(range => !due.includes(range))
    const missing = due.map(({ from, to }) => ({ from, to })).sort((a, b) => a.from - b.from)
    this.lost.push(...missing)
    this.lost.sort((a, b) => a.from - b.from)
    return [{ kind: "gap", missing, count: rangeCount(missing) }]
  }

  figures(): LedgerFigures {
    return {
      received: this.received,
      notDue: this.notDue,
      dueFrom: this.dueFrom ?? null,
      lost: rangeCount(this.lost),
      lostRanges: this.lost.map(({ from, to }) => ({ from, to })),
      pending: rangeCount(this.pending),
      duplicated: this.duplicated,
      outOfOrder: this.outOfOrder,
      late: this.late,
      highest: this.highest,
    }
  }
}

// --- the live view: one consumer, all its streams --------------------------------------

export type Observation = { ref: StreamRef } & (
  | LedgerEvent
  /** Fan-out: the subscription is in place after `afterSeq`. */
  | { kind: "joined"; afterSeq: number; beforeJoin: number; receivedBeforeJoin: number }
  /** Fan-out: no join was announced within the wait: everything from seq 1 is taken as due. */
  | { kind: "join-unknown"; waitedMs: number }
  /** A new incarnation of a producer stream seen before. */
  | { kind: "restart"; previousIncarnation: string; previousHighest: number }
)

export interface ViewOptions {
  /** fan-out: the promise starts at the join; load-balanced (the end of a pipeline): at seq 1. */
  promise: "fan-out" | "load-balanced"
  /** How long a missing number may be awaited before it is lost (0: ordered, lost at once). */
  graceMs?: number
  /** Fan-out: how long to wait for the join announcement before taking everything as due. */
  joinWaitMs?: number
  /** The consumer's start (epoch ms): at the end of a pipeline, what was sent before it is not its to judge. */
  startedAt?: number
}

export interface StreamStats {
  incarnation: string
  received: number
  /** Fan-out: sent before the join; end of a pipeline: sent before this consumer started. */
  notDue: number
  lost: number
  pending: number
  duplicated: number
  late: number
  restarts: number
}

const MAX_OLD_INCARNATIONS = 4

interface Tracked {
  ref: StreamRef
  ledger: SequenceLedger
}

/**
 * A consumer's live view of every stream it gets, each judged by its promise.
 * The consumer feeds it what arrives; it returns what that means, for the log.
 */
export class StreamViews {
  private readonly current = new Map<string, Tracked>()
  private readonly old = new Map<string, Tracked[]>()
  private readonly restarts = new Map<string, number>()
  /** The figures of incarnations too old to keep a ledger for: a stats line never goes backwards. */
  private readonly retired = new Map<string, LedgerFigures[]>()

  constructor(private readonly options: ViewOptions) {}

  private name(ref: StreamRef): string {
    return `${ref.producer}/${ref.stream}`
  }

  private find(ref: StreamRef): Tracked | undefined {
    const name = this.name(ref)
    const current = this.current.get(name)
    if (current?.ref.incarnation === ref.incarnation) return current
    return this.old.get(name)?.find(t => t.ref.incarnation === ref.incarnation)
  }

  /** The stream's ledger, made on first sight (a new incarnation of a known stream is a restart). */
  private track(ref: StreamRef): { tracked: Tracked; observations: Observation[] } {
    const known = this.find(ref)
    if (known) return { tracked: known, observations: [] }
    const name = this.name(ref)
    const previous = this.current.get(name)
    const dueFrom = this.options.promise === "load-balanced" ? 1 : undefined
    const tracked = { ref: { ...ref }, ledger: new SequenceLedger(this.options.graceMs ?? 0, dueFrom) }
    this.current.set(name, tracked)
    if (!previous) return { tracked, observations: [] }
    const olds = [previous, ...(this.old.get(name) ?? [])]
    this.old.set(name, olds.slice(0, MAX_OLD_INCARNATIONS))
    for (const gone of olds.slice(MAX_OLD_INCARNATIONS)) this.retired.set(name, [...(this.retired.get(name) ?? []), gone.ledger.figures()])
    this.restarts.set(name, (this.restarts.get(name) ?? 0) + 1)
    return {
      tracked,
      observations: [{ ref, kind: "restart", previousIncarnation: previous.ref.incarnation, previousHighest: previous.ledger.figures().highest }],
    }
  }

  /** Fan-out: the publisher says this consumer's subscription is in place after `afterSeq`. Only the first join counts. */
  join(ref: StreamRef, afterSeq: number, now: number): Observation[] {
    const { tracked, observations } = this.track(ref)
    if (tracked.ledger.known) return observations
    const events = tracked.ledger.dueAfter(afterSeq, now)
    const figures = tracked.ledger.figures()
    const receivedBeforeJoin = afterSeq - figures.notDue
    return [...observations, { ref, kind: "joined", afterSeq, beforeJoin: figures.notDue, receivedBeforeJoin }, ...events.map(e => ({ ref, ...e }))]
  }

  /** A message of a stream arrived; `sentAt` (epoch ms) lets the end of a pipeline tell what came before its start. */
  observe(ref: StreamRef, seq: number, now: number, sentAt?: number): Observation[] {
    const { tracked, observations } = this.track(ref)
    const { startedAt } = this.options
    const before = startedAt !== undefined && sentAt !== undefined && sentAt < startedAt && this.options.promise === "load-balanced"
    // Sent before this consumer started: so was every lower number. Not its to judge.
    const moved = before ? tracked.ledger.dueAfter(seq - 1, now) : []
    const events = tracked.ledger.observe(seq, now)
    const expired = tracked === this.current.get(this.name(ref)) ? this.expire(now) : []
    return [...observations, ...[...moved, ...events].map(e => ({ ref: tracked.ref, ...e })), ...expired]
  }

  /** Declares lost what waited out its grace; a fan-out stream whose join never came is taken as due from seq 1. */
  expire(now: number): Observation[] {
    const observations: Observation[] = []
    for (const tracked of this.all()) {
      const { ledger, ref } = tracked
      const { joinWaitMs } = this.options
      if (!ledger.known && joinWaitMs !== undefined && ledger.firstAsideAt !== undefined && now - ledger.firstAsideAt >= joinWaitMs) {
        observations.push({ ref, kind: "join-unknown", waitedMs: now - ledger.firstAsideAt })
        observations.push(...ledger.dueAfter(0, now).map(e => ({ ref, ...e })))
      }
      observations.push(...ledger.expire(now).map(e => ({ ref, ...e })))
    }
    return observations
  }

  private *all(): Iterable<Tracked> {
    yield* this.current.values()
    for (const olds of this.old.values()) yield* olds
  }

  /** Per producer stream ("producer/stream"), summed over its incarnations. */
  stats(): Record<string, StreamStats> {
    const result: Record<string, StreamStats> = {}
    const every = [
      ...[...this.all()].map(t => ({ name: this.name(t.ref), f: t.ledger.figures() })),
      ...[...this.retired].flatMap(([name, list]) => list.map(f => ({ name, f }))),
    ]
    for (const { name, f } of every) {
      const into = (result[name] ??= {
        incarnation: this.current.get(name)!.ref.incarnation,
        received: 0,
        notDue: 0,
        lost: 0,
        pending: 0,
        duplicated: 0,
        late: 0,
        restarts: this.restarts.get(name) ?? 0,
      })
      into.received += f.received
      into.notDue += f.notDue
      into.lost += f.lost
      into.pending += f.pending
      into.duplicated += f.duplicated
      into.late += f.late
    }
    return result
  }

  /** The sums over all streams, for a stats line. */
  totals(): { received: number; notDue: number; lost: number; pending: number; duplicated: number } {
    const all = Object.values(this.stats())
    const sum = (key: "received" | "notDue" | "lost" | "pending" | "duplicated") => all.reduce((total, s) => total + s[key], 0)
    return { received: sum("received"), notDue: sum("notDue"), lost: sum("lost"), pending: sum("pending"), duplicated: sum("duplicated") }
  }
}

// --- the figures of a run, from its history ------------------------------------------

/** One line of the log contract as read back (untrusted: every field is checked before use), with its time in epoch ms. */
export interface TimedRecord {
  t: number
  service: string
  event: string
  [field: string]: unknown
}

interface Common {
  producer: string
  stream: string
  /** How many numberings (process starts, or journals) the stream had. */
  incarnations: number
  /** fan-out: distinct messages sent; load-balanced: distinct messages; request-reply: distinct requests. */
  sent: number
  /** fan-out: distinct messages the consumer received; load-balanced: delivered at the end; request-reply: answered. */
  received: number
  /** fan-out: due and never received; load-balanced: never delivered at the end; request-reply: no try answered. */
  lost: number
  lostIds: string
  /** fan-out: receipts beyond the first; load-balanced: deliveries beyond the first; request-reply: handled more than once. */
  duplicated: number
  /** Received or delivered, but never sent (or not logged as sent). */
  unexpected: number
  /** The longest time without a receipt while messages were due (the tail after the last one included). */
  longestOutageMs: number
}

export interface FanOutFigures extends Common {
  promise: "fan-out"
  consumer: string
  /** Sent before the consumer's subscription was in place, and not received. */
  beforeJoin: number
  /** The seq after which the subscription was in place, per incarnation (null: no join seen, all due). */
  joinedAfter: Record<string, number | null>
}

export interface LoadBalancedFigures extends Common {
  promise: "load-balanced"
  /** Distinct messages each consumer of the set took: shares, not losses. */
  shares: Record<string, number>
  /** Taken by some consumer of the set but never delivered at the end (lost in a worker's hands). */
  lostAfterTaken: number
  /** Redeliveries dropped by deduplication at the end. */
  absorbed: number
  /** Messages the producer holds an acknowledgement for (null: it takes none). */
  acknowledged: number | null
  /** Acknowledged, yet never delivered: what a reliable pattern must never do. */
  acknowledgedButLost: number | null
  /** Sends beyond the first per message (resends). */
  resends: number
}

export interface RequestReplyFigures extends Common {
  promise: "request-reply"
  tries: number
  retries: number
  /** Still awaiting their reply when the client stopped: neither answered nor lost. */
  abandoned: number
  /** Distinct requests whose work a server did. */
  handled: number
  /** Retries answered from the record of handled requests, not handled again. */
  absorbed: number
  /** Answered, yet no server ever did the work. */
  answeredButNotHandled: number
  /** Distinct requests each server handled: shares, not losses. */
  shares: Record<string, number>
  latencyP50Ms: number | null
  latencyP99Ms: number | null
}

export type StreamFigures = FanOutFigures | LoadBalancedFigures | RequestReplyFigures

/** The key a run's report shows a stream's figures under. */
export function figuresKey(figures: StreamFigures): string {
  return figures.promise === "fan-out" ? `${figures.producer}/${figures.stream} -> ${figures.consumer}` : `${figures.producer}/${figures.stream}`
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined)
const idKey = (incarnation: string, seq: number) => `${incarnation}\u0000${seq}`
const idOf = (key: string): { incarnation: string; seq: number } => {
  const [incarnation, seq] = key.split("\u0000") as [string, string]
  return { incarnation, seq: Number(seq) }
}

/** "inc:3-7, inc2:1": lost ids per incarnation (the incarnation shown only when there are several). */
function describeIds(keys: Iterable<string>, incarnations: number): string {
  const by = new Map<string, number[]>()
  for (const key of keys) {
    const { incarnation, seq } = idOf(key)
    by.set(incarnation, [...(by.get(incarnation) ?? []), seq])
  }
  return [...by].map(([incarnation, seqs]) => `${incarnations > 1 ? `${incarnation}:` : ""}${formatRanges(toRanges(seqs))}`).join("; ")
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** The longest interval in [from, to] without one of `times` (head and tail included). */
export function longestSilence(times: number[], from: number, to: number): number {
  if (to <= from) return 0
  const inside = times.filter(t => t > from && t < to).sort((a, b) => a - b)
  const points = [from, ...inside, to]
  let worst = 0
  for (let i = 1; i < points.length; i++) worst = Math.max(worst, points[i]! - points[i - 1]!)
  return worst
}

interface Declared {
  promise: DeliveryPromise
  acknowledged: boolean
}

/** Receipts of one kind, keyed by consumer, each a list of (id key, time). */
type Receipts = Map<string, { key: string; t: number }[]>

interface StreamFacts {
  producer: string
  stream: string
  declared: Declared
  /** Every send (or try), by id key. */
  sends: { key: string; t: number; attempt: number }[]
  joins: Map<string, { t: number; incarnation: string; afterSeq: number }[]>
  received: Receipts
  delivered: Receipts
  absorbed: number
  acked: Set<string>
  abandoned: Set<string>
  answered: { key: string; t: number; rttMs?: number }[]
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Reads the history's events into facts per declared stream ("producer/stream"). */
function factsOf(history: readonly TimedRecord[]): Map<string, StreamFacts> {
  const streams = new Map<string, StreamFacts>()
  for (const e of history) {
    if (e.event !== EVENTS.producing) continue
    const stream = text(e.stream)
    const promise = text(e.promise) as DeliveryPromise | undefined
    if (!stream || !promise || !PROMISES.includes(promise)) continue
    const name = `${e.service}/${stream}`
    if (streams.has(name)) continue
    streams.set(name, {
      producer: e.service,
      stream,
      declared: { promise, acknowledged: e.acknowledged === true },
      sends: [],
      joins: new Map(),
      received: new Map(),
      delivered: new Map(),
      absorbed: 0,
      acked: new Set(),
      abandoned: new Set(),
      answered: [],
    })
  }
  // A client's requests stream: its replies name the request by the client's own seq.
  const requestStream = (client: string) => [...streams.values()].find(s => s.producer === client && s.declared.promise === "request-reply")
  const about = (e: TimedRecord) => {
    const producer = text(e.producer)
    const stream = text(e.stream)
    const incarnation = text(e.incarnation)
    const seq = num(e.seq)
    if (!producer || !stream || !incarnation || seq === undefined) return undefined
    const facts = streams.get(`${producer}/${stream}`)
    return facts ? { facts, key: idKey(incarnation, seq) } : undefined
  }
  for (const e of history) {
    switch (e.event) {
      case EVENTS.sent: {
        const facts = streams.get(`${e.service}/${text(e.stream) ?? ""}`)
        const incarnation = text(e.incarnation)
        const seq = num(e.seq)
        if (facts && incarnation && seq !== undefined) facts.sends.push({ key: idKey(incarnation, seq), t: e.t, attempt: num(e.attempt) ?? 0 })
        break
      }
      case EVENTS.joined: {
        const facts = streams.get(`${e.service}/${text(e.stream) ?? ""}`)
        const subscriber = text(e.subscriber)
        const incarnation = text(e.incarnation)
        const afterSeq = num(e.afterSeq)
        if (facts && subscriber && incarnation && afterSeq !== undefined) push(facts.joins, subscriber, { t: e.t, incarnation, afterSeq })
        break
      }
      case EVENTS.received: {
        const reply = e.inReplyTo as { producer?: unknown; seq?: unknown } | undefined
        if (reply && typeof reply === "object") {
          const facts = requestStream(e.service)
          const instance = text(e.instance)
          const seq = num(reply.seq)
          if (facts && instance && seq !== undefined && reply.producer === e.service)
            facts.answered.push({ key: idKey(instance, seq), t: e.t, rttMs: num(e.rttMs) })
          break
        }
        const ref = about(e)
        if (ref) push(ref.facts.received, e.service, { key: ref.key, t: e.t })
        break
      }
      case EVENTS.delivered: {
        const ref = about(e)
        if (ref) push(ref.facts.delivered, e.service, { key: ref.key, t: e.t })
        break
      }
      case EVENTS.absorbed: {
        const ref = about(e)
        if (ref) ref.facts.absorbed += 1
        break
      }
      case EVENTS.acked: {
        const facts = streams.get(`${e.service}/${text(e.stream) ?? ""}`)
        const incarnation = text(e.incarnation)
        const seq = num(e.seq)
        if (facts && incarnation && seq !== undefined) facts.acked.add(idKey(incarnation, seq))
        break
      }
      case EVENTS.abandoned: {
        const facts = streams.get(`${e.service}/${text(e.stream) ?? ""}`)
        const incarnation = text(e.incarnation)
        if (facts && incarnation && Array.isArray(e.ids)) for (const id of e.ids) if (typeof id === "number") facts.abandoned.add(idKey(incarnation, id))
        break
      }
    }
  }
  return streams
}

const distinct = (entries: { key: string }[]) => new Set(entries.map(e => e.key))
/** Distinct messages per consumer (or server), by name. */
const sharesOf = (receipts: Receipts): Record<string, number> =>
  Object.fromEntries([...receipts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => [name, distinct(list).size]))
/** The longest silence of `arrivals` while the stream was being sent (from its first send to its last). */
const silenceWhileSent = (arrivals: number[], sends: { t: number }[]): number =>
  sends.length > 0 ? longestSilence(arrivals, Math.min(...sends.map(s => s.t)), Math.max(...sends.map(s => s.t))) : 0
const incarnationsOf = (keys: Iterable<string>) => new Set([...keys].map(key => idOf(key).incarnation))

function fanOut(facts: StreamFacts): FanOutFigures[] {
  const sent = distinct(facts.sends)
  const incarnations = incarnationsOf(sent)
  const lastSentAt = facts.sends.reduce((last, s) => Math.max(last, s.t), 0)
  const consumers = [...new Set([...facts.joins.keys(), ...facts.received.keys()])].sort()
  return consumers.map(consumer => {
    const receipts = facts.received.get(consumer) ?? []
    const got = distinct(receipts)
    // Only the first join to each incarnation counts: the consumer's promise
    // runs from there, whatever happens to it later.
    const firstJoin = new Map<string, { t: number; afterSeq: number }>()
    for (const join of facts.joins.get(consumer) ?? []) if (!firstJoin.has(join.incarnation)) firstJoin.set(join.incarnation, join)
    const joinedAfter: Record<string, number | null> = {}
    for (const incarnation of new Set([...incarnations, ...firstJoin.keys()])) joinedAfter[incarnation] = firstJoin.get(incarnation)?.afterSeq ?? null
    const due = (key: string) => {
      const { incarnation, seq } = idOf(key)
      const after = joinedAfter[incarnation]
      // No join seen: everything is due (a loss is reported rather than hidden).
      return after === null || after === undefined || seq > after
    }
    const lost = [...sent].filter(key => due(key) && !got.has(key))
    const beforeJoin = [...sent].filter(key => !due(key) && !got.has(key)).length
    const windowStart = Math.min(...[...firstJoin.values()].map(j => j.t), receipts[0]?.t ?? Number.POSITIVE_INFINITY)
    return {
      promise: "fan-out" as const,
      producer: facts.producer,
      stream: facts.stream,
      consumer,
      incarnations: incarnations.size,
      sent: sent.size,
      received: [...got].filter(key => sent.has(key)).length,
      beforeJoin,
      lost: lost.length,
      lostIds: describeIds(lost, incarnations.size),
      duplicated: receipts.length - got.size,
      unexpected: [...got].filter(key => !sent.has(key)).length,
      joinedAfter,
      longestOutageMs: Number.isFinite(windowStart)
        ? longestSilence(
            receipts.map(r => r.t),
            windowStart,
            lastSentAt,
          )
        : 0,
    }
  })
}

function loadBalanced(facts: StreamFacts): LoadBalancedFigures {
  const sent = distinct(facts.sends)
  const incarnations = incarnationsOf(sent)
  const deliveries = [...facts.delivered.values()].flat()
  const delivered = distinct(deliveries)
  const taken = new Set([...facts.received.values()].flatMap(list => list.map(r => r.key)))
  const lost = [...sent].filter(key => !delivered.has(key))
  return {
    promise: "load-balanced",
    producer: facts.producer,
    stream: facts.stream,
    incarnations: incarnations.size,
    sent: sent.size,
    received: [...delivered].filter(key => sent.has(key)).length,
    lost: lost.length,
    lostIds: describeIds(lost, incarnations.size),
    duplicated: deliveries.length - delivered.size,
    unexpected: [...delivered].filter(key => !sent.has(key)).length,
    shares: sharesOf(facts.received),
    lostAfterTaken: lost.filter(key => taken.has(key)).length,
    absorbed: facts.absorbed,
    acknowledged: facts.declared.acknowledged ? facts.acked.size : null,
    acknowledgedButLost: facts.declared.acknowledged ? [...facts.acked].filter(key => !delivered.has(key)).length : null,
    resends: facts.sends.length - sent.size,
    longestOutageMs: silenceWhileSent(
      deliveries.map(d => d.t),
      facts.sends,
    ),
  }
}

function requestReply(facts: StreamFacts): RequestReplyFigures {
  const requests = distinct(facts.sends)
  const incarnations = incarnationsOf(requests)
  const answered = distinct(facts.answered)
  const handlings = [...facts.delivered.values()].flat()
  const handled = distinct(handlings)
  const abandoned = [...facts.abandoned].filter(key => requests.has(key) && !answered.has(key))
  const lost = [...requests].filter(key => !answered.has(key) && !facts.abandoned.has(key))
  const rtts = facts.answered.map(a => a.rttMs).filter((v): v is number => v !== undefined)
  return {
    promise: "request-reply",
    producer: facts.producer,
    stream: facts.stream,
    incarnations: incarnations.size,
    sent: requests.size,
    tries: facts.sends.length,
    retries: facts.sends.length - requests.size,
    received: [...answered].filter(key => requests.has(key)).length,
    lost: lost.length,
    lostIds: describeIds(lost, incarnations.size),
    abandoned: abandoned.length,
    duplicated: handlings.length - handled.size,
    unexpected: [...answered].filter(key => !requests.has(key)).length,
    handled: [...handled].filter(key => requests.has(key)).length,
    absorbed: facts.absorbed,
    answeredButNotHandled: [...answered].filter(key => requests.has(key) && !handled.has(key)).length,
    shares: sharesOf(facts.delivered),
    latencyP50Ms: percentile(rtts, 50),
    latencyP99Ms: percentile(rtts, 99),
    longestOutageMs: silenceWhileSent(
      facts.answered.map(a => a.t),
      facts.sends,
    ),
  }
}

/** Every declared stream's figures, by its promise. Streams that sent nothing are left out. */
export function account(history: readonly TimedRecord[]): StreamFigures[] {
  const figures: StreamFigures[] = []
  for (const facts of factsOf(history).values()) {
    if (facts.sends.length === 0 && facts.received.size === 0 && facts.delivered.size === 0) continue
    if (facts.declared.promise === "fan-out") figures.push(...fanOut(facts))
    else if (facts.declared.promise === "load-balanced") figures.push(loadBalanced(facts))
    else figures.push(requestReply(facts))
  }
  return figures.sort((a, b) => (figuresKey(a) < figuresKey(b) ? -1 : 1))
}

/** The figures of one stream (and, for fan-out, one consumer), or undefined. */
export function figuresOf<P extends DeliveryPromise>(
  history: readonly TimedRecord[],
  promise: P,
  producer: string,
  stream: string,
  consumer?: string,
): Extract<StreamFigures, { promise: P }> | undefined {
  return account(history).find(
    f =>
      f.promise === promise && f.producer === producer && f.stream === stream && (f.promise !== "fan-out" || consumer === undefined || f.consumer === consumer),
  ) as Extract<StreamFigures, { promise: P }> | undefined
}

// --- in words ---------------------------------------------------------------------

const list = (shares: Record<string, number>) =>
  Object.entries(shares)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ")

/** One stream's figures as a report says them: every number named for what it is. */
export function describeStream(f: StreamFigures): string {
  const lost = `${f.lost} lost${f.lost > 0 ? ` (seq ${f.lostIds})` : ""}`
  const twice = f.duplicated > 0 ? `, ${f.duplicated} ${f.promise === "request-reply" ? "handled" : "received"} twice` : ""
  const unexpected = f.unexpected > 0 ? `, ${f.unexpected} never sent` : ""
  if (f.promise === "fan-out") {
    return `${f.sent} sent, ${f.received} received by ${f.consumer}, ${f.beforeJoin} sent before its subscription was in place, ${lost}${twice}${unexpected}; longest silence ${f.longestOutageMs} ms`
  }
  if (f.promise === "load-balanced") {
    const acks = f.acknowledged === null ? "" : `, ${f.acknowledged} acknowledged (${f.acknowledgedButLost} of them never delivered)`
    const absorbed = f.absorbed > 0 ? `, ${f.absorbed} redeliveries absorbed` : ""
    const resends = f.resends > 0 ? `, ${f.resends} resends` : ""
    return `${f.sent} sent, ${f.received} delivered at the end, ${lost}${twice}${unexpected}${acks}${absorbed}${resends}; shares, not losses: ${list(f.shares) || "none"}; longest silence ${f.longestOutageMs} ms`
  }
  const absorbed = f.absorbed > 0 ? `, ${f.absorbed} retries answered from the record of handled requests` : ""
  const abandoned = f.abandoned > 0 ? `, ${f.abandoned} still awaited when the client stopped` : ""
  return `${f.sent} requests (${f.tries} tries, ${f.retries} retries), ${f.received} answered, ${lost}${abandoned}${twice}${unexpected}, ${f.handled} handled by a server (${f.answeredButNotHandled} answered but never handled)${absorbed}; shares, not losses: ${list(f.shares) || "none"}`
}
