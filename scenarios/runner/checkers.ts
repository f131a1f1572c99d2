// Checkers: pure functions from a run's history to figures. They recount from
// the raw `sent` and `received` events instead of trusting the services' own
// totals, so a scenario can also check that the lab's counts agree with what
// really happened. Unit-tested on hand-made histories (test/unit/checkers.test.ts).
import { RUNNER, type History, type HistoryEvent } from "./history.js"

export interface MessageRef {
  producer: string
  incarnation: string
  seq: number
}

export interface Delivery {
  sent: number
  received: number
  lost: number
  /** The lost messages as seq ranges, per producer incarnation. */
  lostRanges: Array<{ incarnation: string; from: number; to: number }>
  duplicated: number
  /** Received, but never sent by that producer (or sent outside the window looked at). */
  unexpected: number
  outOfOrder: number
}

interface StreamSpec {
  producer: string
  consumer: string
  /** Which of the producer's sent messages count (a window, an incarnation). */
  sentWhere?: (event: HistoryEvent) => boolean
  /** What a `received` event of the consumer refers to; the default reads producer/incarnation/seq. */
  refOf?: (event: HistoryEvent) => MessageRef | undefined
  /**
   * Count only from the consumer's first message on (default): what was sent
   * before it joined was never its to lose (a late joiner's first seq is > 1).
   */
  sinceJoined?: boolean
}

export const directRef = (event: HistoryEvent): MessageRef | undefined =>
  typeof event.producer === "string" && typeof event.incarnation === "string" && typeof event.seq === "number" ? { producer: event.producer, incarnation: event.incarnation, seq: event.seq } : undefined

/** A pipeline sink's result names the ventilator's task it answers. */
export const taskRef = (event: HistoryEvent): MessageRef | undefined =>
  typeof event.ventilator === "string" && typeof event.ventilatorIncarnation === "string" && typeof event.taskId === "number"
    ? { producer: event.ventilator, incarnation: event.ventilatorIncarnation, seq: event.taskId }
    : undefined

const key = (incarnation: string, seq: number) => `${incarnation}:${seq}`

export function events(history: History, service: string, event: string, where: (e: HistoryEvent) => boolean = () => true): HistoryEvent[] {
  return history.filter(e => e.service === service && e.event === event && where(e))
}

export function count(history: History, service: string, event: string, where?: (e: HistoryEvent) => boolean): number {
  return events(history, service, event, where).length
}

/** What one consumer got of one producer's stream. */
export function delivery(history: History, { producer, consumer, sentWhere = () => true, refOf = directRef, sinceJoined = true }: StreamSpec): Delivery {
  const receivedEvents = events(history, consumer, "received").filter(e => refOf(e)?.producer === producer)
  const refs = receivedEvents.map(e => refOf(e)!)
  const first = refs[0]
  const firstAt = receivedEvents[0]?.t ?? Number.POSITIVE_INFINITY
  const joined = (e: HistoryEvent) =>
    !sinceJoined || (e.incarnation === first?.incarnation ? (e.seq as number) >= first!.seq : e.t >= firstAt)
  const sent = events(history, producer, "sent", e => typeof e.seq === "number" && typeof e.incarnation === "string" && sentWhere(e) && joined(e))
  const sentKeys = new Set(sent.map(e => key(e.incarnation as string, e.seq as number)))

  const seen = new Set<string>()
  const highest = new Map<string, number>()
  let duplicated = 0
  let unexpected = 0
  let outOfOrder = 0
  for (const ref of refs) {
    const k = key(ref.incarnation, ref.seq)
    if (seen.has(k)) {
      duplicated += 1
      continue
    }
    seen.add(k)
    if (!sentKeys.has(k)) unexpected += 1
    if (ref.seq < (highest.get(ref.incarnation) ?? 0)) outOfOrder += 1
    highest.set(ref.incarnation, Math.max(ref.seq, highest.get(ref.incarnation) ?? 0))
  }

  const lostRanges: Delivery["lostRanges"] = []
  const lostSorted = sent
    .filter(e => !seen.has(key(e.incarnation as string, e.seq as number)))
    .map(e => ({ incarnation: e.incarnation as string, seq: e.seq as number }))
    .sort((a, b) => (a.incarnation === b.incarnation ? a.seq - b.seq : a.incarnation < b.incarnation ? -1 : 1))
  for (const { incarnation, seq } of lostSorted) {
    const last = lostRanges.at(-1)
    if (last && last.incarnation === incarnation && last.to === seq - 1) last.to = seq
    else lostRanges.push({ incarnation, from: seq, to: seq })
  }
  return { sent: sent.length, received: seen.size - unexpected, lost: lostSorted.length, lostRanges, duplicated, unexpected, outOfOrder }
}

/** The time of the first runner action of `kind` on `target` (when it took effect). */
export function actionTime(history: History, kind: string, target: string): number | undefined {
  return history.find(e => e.service === RUNNER && e.event === "action" && e.action === kind && e.target === target)?.t
}

/** From `from` (a peer back: its `listening`, an unpause) to the consumer's first `received` after it. */
export function recoveryMs(history: History, { consumer, producer, from }: { consumer: string; producer?: string; from: number | undefined }): number | null {
  if (from === undefined) return null
  const first = history.find(e => e.t >= from && e.service === consumer && e.event === "received" && (producer === undefined || e.producer === producer))
  return first ? first.t - from : null
}

/** The first event matching `where` at or after time `after`. */
export function firstAfter(history: History, after: number | undefined, where: (e: HistoryEvent) => boolean): HistoryEvent | undefined {
  return after === undefined ? undefined : history.find(e => e.t >= after && where(e))
}

/** The longest interval without a `received` at the consumer, between its first and last. */
export function longestOutage(history: History, { consumer, producer }: { consumer: string; producer?: string }): { ms: number; from: number; to: number } {
  const times = events(history, consumer, "received", e => producer === undefined || e.producer === producer).map(e => e.t)
  let worst = { ms: 0, from: times[0] ?? 0, to: times[0] ?? 0 }
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!
    if (gap > worst.ms) worst = { ms: gap, from: times[i - 1]!, to: times[i]! }
  }
  return worst
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export interface Requests {
  requests: number
  replies: number
  timeouts: number
  /** Requests with neither a reply nor a timeout (still pending, or lost silently). */
  unanswered: number
  latencyP50: number | null
  latencyP99: number | null
}

/** A request/reply client's figures: requests by id (`id` or `seq` on `sent`), replies by `inReplyTo.seq`. */
export function requests(history: History, client: string): Requests {
  const idOf = (e: HistoryEvent) => (typeof e.id === "number" ? e.id : (e.seq as number))
  const sent = new Set(events(history, client, "sent").map(idOf))
  const replies = events(history, client, "received")
  const replied = new Set(replies.map(e => (e.inReplyTo as { seq: number } | undefined)?.seq))
  const timedOut = new Set(events(history, client, "timeout").map(idOf))
  const rtts = replies.map(e => e.rttMs).filter((v): v is number => typeof v === "number")
  return {
    requests: sent.size,
    replies: replies.length,
    timeouts: events(history, client, "timeout").length,
    unanswered: [...sent].filter(id => !replied.has(id) && !timedOut.has(id)).length,
    latencyP50: percentile(rtts, 50),
    latencyP99: percentile(rtts, 99),
  }
}

/** Replies a client got that answer somebody else's request, plus those it could not match at all. */
export function foreignReplies(history: History, client: string): number {
  return count(history, client, "received", e => (e.inReplyTo as { producer?: string } | undefined)?.producer !== client) + count(history, client, "unexpected-reply")
}

/** How a consumer's `received` events divide by a field (which worker served each result). */
export function shares(history: History, consumer: string, field = "producer"): Record<string, number> {
  const result: Record<string, number> = {}
  for (const e of events(history, consumer, "received")) {
    const value = String(e[field])
    result[value] = (result[value] ?? 0) + 1
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** Events per second between the first and the last of them. */
export function rate(history: History, service: string, event: string): number {
  const times = events(history, service, event).map(e => e.t)
  if (times.length < 2) return 0
  return Math.round(((times.length - 1) / ((times.at(-1)! - times[0]!) / 1000)) * 10) / 10
}

/** The largest value of a numeric field over the service's events. */
export function maxOf(history: History, service: string, event: string, field: string): number {
  return Math.max(0, ...events(history, service, event).map(e => (typeof e[field] === "number" ? (e[field] as number) : 0)))
}

/** The service's last `stats` line (its final totals, after a clean stop). */
export function lastStats(history: History, service: string): Record<string, unknown> | undefined {
  return events(history, service, "stats").at(-1)
}

/** Only the events of one variant of a scenario. */
export const ofVariant = (history: History, variant: string): History => history.filter(e => e.variant === variant)

/** The same figures for each of several services (two subscribers, three clients). */
export function each<T>(names: readonly string[], figuresOf: (name: string) => T): Record<string, T> {
  return Object.fromEntries(names.map(name => [name, figuresOf(name)]))
}

export interface StreamFigures extends Delivery {
  longestOutageMs: number
}

/**
 * The figures every run reports, whatever its scenario: for each consumer and
 * each producer it received from, the delivery counts and the longest outage;
 * for each client that measured round trips, its request/reply figures.
 * Keyed "producer -> consumer" (prefixed "variant: " when a scenario has several).
 */
export function standardFigures(history: History): { streams: Record<string, StreamFigures>; requestReply: Record<string, Requests> } {
  const streams: Record<string, StreamFigures> = {}
  const requestReply: Record<string, Requests> = {}
  const variants = [...new Set(history.map(e => e.variant))]
  for (const variant of variants) {
    const part = ofVariant(history, variant)
    const prefix = variants.length > 1 ? `${variant}: ` : ""
    const pairs = new Set(part.filter(e => e.event === "received" && typeof e.producer === "string").map(e => `${e.producer as string}\u0000${e.service}`))
    for (const pair of [...pairs].sort()) {
      const [producer, consumer] = pair.split("\u0000") as [string, string]
      streams[`${prefix}${producer} -> ${consumer}`] = { ...delivery(part, { producer, consumer }), longestOutageMs: longestOutage(part, { consumer, producer }).ms }
    }
    const clients = new Set(part.filter(e => e.event === "received" && typeof e.rttMs === "number").map(e => e.service))
    for (const client of [...clients].sort()) requestReply[`${prefix}${client}`] = requests(part, client)
  }
  return { streams, requestReply }
}
