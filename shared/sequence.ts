// Sequence tracking: what a consumer knows about each producer's stream.
// Pure and clock-free (the caller passes `now`), so every case is unit-tested
// on hand-made sequences.
//
// A stream is one producer incarnation. Within it, seq numbers should arrive
// 1, 2, 3, ... A jump forward is a gap; a number seen twice is a duplicate; a
// number that fills an open gap arrived out of order. A new incarnation is a
// producer restart: its stream starts afresh and is never compared with the old
// one, so a restart is never a gap or a negative count.
//
// Over one TCP connection ZeroMQ keeps order, so PUB/SUB declares a gap at once
// (reorderGraceMs = 0). A pipeline sink collects results through several
// workers, where order is not kept: there a missing number is only declared
// lost after it has stayed missing for reorderGraceMs.

export interface Range {
  from: number
  to: number
}

export type Observation =
  | { kind: "joined"; producer: string; incarnation: string; seq: number; missedBeforeJoin: number }
  | { kind: "restart"; producer: string; incarnation: string; previousIncarnation: string; previousLastSeq: number; seq: number; missedAtStart: number }
  | { kind: "in-order"; producer: string; incarnation: string; seq: number }
  | { kind: "gap"; producer: string; incarnation: string; missing: Range[]; count: number }
  | { kind: "duplicate"; producer: string; incarnation: string; seq: number }
  | { kind: "out-of-order"; producer: string; incarnation: string; seq: number }
  | { kind: "late"; producer: string; incarnation: string; seq: number }

export interface ProducerTotals {
  received: number
  missed: number
  duplicated: number
  outOfOrder: number
  late: number
  restarts: number
  incarnation: string
  lastSeq: number
}

interface PendingRange extends Range {
  since: number
}

class Stream {
  highest: number
  readonly first: number
  /** Numbers below `first` that arrived after it (a reordered start): kept to tell duplicates. */
  readonly belowFirst = new Set<number>()
  pending: PendingRange[] = []
  declared: Range[] = []

  constructor(
    readonly producer: string,
    readonly incarnation: string,
    seq: number,
  ) {
    this.first = seq
    this.highest = seq
  }
}

const MAX_OLD_INCARNATIONS = 4

function takeFrom<R extends Range>(ranges: R[], seq: number): boolean {
  const index = ranges.findIndex(range => seq >= range.from && seq <= range.to)
  if (index < 0) return false
  const range = ranges[index]!
  const pieces: R[] = []
  if (range.from < seq) pieces.push({ ...range, to: seq - 1 })
  if (seq < range.to) pieces.push({ ...range, from: seq + 1 })
  ranges.splice(index, 1, ...pieces)
  return true
}

export const rangeCount = (ranges: readonly Range[]): number => ranges.reduce((sum, r) => sum + r.to - r.from + 1, 0)

/** "3-7, 9" : a compact text for log messages. */
export const formatRanges = (ranges: readonly Range[]): string =>
  ranges.map(r => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(", ")

export class SequenceTracker {
  private readonly current = new Map<string, Stream>()
  private readonly old = new Map<string, Stream[]>()
  private readonly totals = new Map<string, ProducerTotals>()

  constructor(private readonly reorderGraceMs = 0) {}

  observe(producer: string, incarnation: string, seq: number, now: number): Observation[] {
    const totals = this.totalsOf(producer, incarnation)
    totals.received += 1
    const stream = this.streamOf(producer, incarnation)
    if (stream === undefined) return [this.begin(producer, incarnation, seq, totals)]
    if (stream !== this.current.get(producer)) {
      // A message of an earlier incarnation still in flight (a pipeline worker
      // finishing an old task): accounted to its own stream, no restart.
      return this.within(stream, seq, now, totals)
    }
    return [...this.within(stream, seq, now, totals), ...this.expire(now)]
  }

  /** Declares lost every pending number older than the grace period. */
  expire(now: number): Observation[] {
    const gaps: Observation[] = []
    for (const stream of this.allStreams()) {
      const due = stream.pending.filter(range => now - range.since >= this.reorderGraceMs)
      if (due.length === 0) continue
      stream.pending = stream.pending.filter(range => !due.includes(range))
      const missing = due.map(({ from, to }) => ({ from, to })).sort((a, b) => a.from - b.from)
      stream.declared.push(...missing)
      const count = rangeCount(missing)
      this.totals.get(stream.producer)!.missed += count
      gaps.push({ kind: "gap", producer: stream.producer, incarnation: stream.incarnation, missing, count })
    }
    return gaps
  }

  /** Numbers still waiting out their grace period (not yet counted as missed). */
  pendingCount(): number {
    let count = 0
    for (const stream of this.allStreams()) count += rangeCount(stream.pending)
    return count
  }

  snapshot(): Record<string, ProducerTotals> {
    return Object.fromEntries([...this.totals].map(([name, totals]) => [name, { ...totals }]))
  }

  private begin(producer: string, incarnation: string, seq: number, totals: ProducerTotals): Observation {
    const previous = this.current.get(producer)
    const stream = new Stream(producer, incarnation, seq)
    this.current.set(producer, stream)
    totals.lastSeq = seq
    totals.incarnation = incarnation
    if (previous === undefined) {
      return { kind: "joined", producer, incarnation, seq, missedBeforeJoin: seq - 1 }
    }
    const olds = this.old.get(producer) ?? []
    olds.unshift(previous)
    this.old.set(producer, olds.slice(0, MAX_OLD_INCARNATIONS))
    totals.restarts += 1
    // Messages 1..seq-1 of the new incarnation were sent while we were not
    // connected to it: really lost to us, so counted as missed.
    totals.missed += seq - 1
    return { kind: "restart", producer, incarnation, previousIncarnation: previous.incarnation, previousLastSeq: previous.highest, seq, missedAtStart: seq - 1 }
  }

  private within(stream: Stream, seq: number, now: number, totals: ProducerTotals): Observation[] {
    const { producer, incarnation } = stream
    if (seq === stream.highest + 1) {
      stream.highest = seq
      if (stream === this.current.get(producer)) totals.lastSeq = seq
      return [{ kind: "in-order", producer, incarnation, seq }]
    }
    if (seq > stream.highest) {
      stream.pending.push({ from: stream.highest + 1, to: seq - 1, since: now })
      stream.highest = seq
      if (stream === this.current.get(producer)) totals.lastSeq = seq
      return this.reorderGraceMs === 0 ? this.expire(now) : []
    }
    if (takeFrom(stream.pending, seq)) {
      totals.outOfOrder += 1
      return [{ kind: "out-of-order", producer, incarnation, seq }]
    }
    if (takeFrom(stream.declared, seq)) {
      // Declared lost, then arrived after all: no longer missing.
      totals.missed -= 1
      totals.late += 1
      return [{ kind: "late", producer, incarnation, seq }]
    }
    if (seq < stream.first && !stream.belowFirst.has(seq)) {
      stream.belowFirst.add(seq)
      totals.outOfOrder += 1
      return [{ kind: "out-of-order", producer, incarnation, seq }]
    }
    totals.duplicated += 1
    return [{ kind: "duplicate", producer, incarnation, seq }]
  }

  private streamOf(producer: string, incarnation: string): Stream | undefined {
    const current = this.current.get(producer)
    if (current?.incarnation === incarnation) return current
    return this.old.get(producer)?.find(stream => stream.incarnation === incarnation)
  }

  private totalsOf(producer: string, incarnation: string): ProducerTotals {
    let totals = this.totals.get(producer)
    if (!totals) {
      totals = { received: 0, missed: 0, duplicated: 0, outOfOrder: 0, late: 0, restarts: 0, incarnation, lastSeq: 0 }
      this.totals.set(producer, totals)
    }
    return totals
  }

  private *allStreams(): Iterable<Stream> {
    for (const stream of this.current.values()) yield stream
    for (const streams of this.old.values()) yield* streams
  }
}
