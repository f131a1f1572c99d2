// Checkers: pure functions from a run's history to figures. They recount from
// the raw events (`sent`, `received`, `delivered`, joins) with the accounting
// model (shared/accounting.ts) instead of trusting the services' own totals,
// so a scenario can also check that the lab's live counts agree with what
// really happened. Unit-tested on hand-made histories (test/unit/checkers.test.ts
// and, scenario by scenario, test/unit/scenario-checks.test.ts).
import {
  account,
  figuresKey,
  formatRanges,
  toRanges,
  type FanOutFigures,
  type LoadBalancedFigures,
  type RequestReplyFigures,
  type StreamFigures,
} from "../../shared/accounting.js"
import { RUNNER, type History, type HistoryEvent, type HistoryEventName } from "./history.js"

export { percentile } from "../../shared/accounting.js"

export function events(history: History, service: string, event: HistoryEventName, where: (e: HistoryEvent) => boolean = () => true): HistoryEvent[] {
  return history.filter(e => e.service === service && e.event === event && where(e))
}

export function count(history: History, service: string, event: HistoryEventName, where?: (e: HistoryEvent) => boolean): number {
  return events(history, service, event, where).length
}

/** One consumer's figures of a fan-out stream (the publisher's topic, by default "ticks"). */
export function fanOut(
  history: History,
  { producer, consumer, stream = "ticks" }: { producer: string; consumer: string; stream?: string },
): FanOutFigures | undefined {
  return account(history).find((f): f is FanOutFigures => f.promise === "fan-out" && f.producer === producer && f.stream === stream && f.consumer === consumer)
}

/** A load-balanced stream's figures (a ventilator's tasks, by default), judged at its end. */
export function loadBalanced(history: History, { producer, stream = "tasks" }: { producer: string; stream?: string }): LoadBalancedFigures | undefined {
  return account(history).find((f): f is LoadBalancedFigures => f.promise === "load-balanced" && f.producer === producer && f.stream === stream)
}

/** A client's requests, judged by the request/reply promise. */
export function requestReply(history: History, client: string, stream = "requests"): RequestReplyFigures | undefined {
  return account(history).find((f): f is RequestReplyFigures => f.promise === "request-reply" && f.producer === client && f.stream === stream)
}

/** The history without the producer's sends after `lastSeq` (what a consumer that stopped there could have had). */
export function sentUpTo(history: History, producer: string, lastSeq: number): History {
  return history.filter(e => !(e.service === producer && e.event === "sent" && typeof e.seq === "number" && e.seq > lastSeq))
}

/** The numbers of ranges like [{from: 3, to: 5}], one by one. */
export const idsOf = (ranges: Array<{ from: number; to: number }>): number[] =>
  ranges.flatMap(r => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))

/** The seqs a consumer's `gap` lines name, sorted (what the lab itself said was lost). */
export function gapsLogged(history: History, consumer: string, where: (e: HistoryEvent) => boolean = () => true): number[] {
  return events(history, consumer, "gap", where)
    .flatMap(e => idsOf(e.missing as Array<{ from: number; to: number }>))
    .sort((a, b) => a - b)
}

/** The time of the first runner action of `kind` on `target` (when it took effect). */
export function actionTime(history: History, kind: string, target: string): number | undefined {
  return history.find(e => e.service === RUNNER && e.event === "action" && e.action === kind && e.target === target)?.t
}

/** When the first runner action of `kind` on `target` began and ended (a fault takes effect in between, as its helper runs). */
export function actionSpan(history: History, kind: string, target: string): { from: number; to: number } | undefined {
  const e = history.find(e => e.service === RUNNER && e.event === "action" && e.action === kind && e.target === target)
  return e ? { from: typeof e.startedAt === "number" ? e.startedAt : e.t, to: e.t } : undefined
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

/** Replies a client got that answer somebody else's request, plus those it could not match at all. */
export function foreignReplies(history: History, client: string): number {
  return (
    count(history, client, "received", e => (e.inReplyTo as { producer?: string } | undefined)?.producer !== client) +
    count(history, client, "unexpected-reply")
  )
}

/** Events per second between the first and the last of them. */
export function rate(history: History, service: string, event: HistoryEventName): number {
  const times = events(history, service, event).map(e => e.t)
  if (times.length < 2) return 0
  return Math.round(((times.length - 1) / ((times.at(-1)! - times[0]!) / 1000)) * 10) / 10
}

/** The largest value of a numeric field over the service's events. */
export function maxOf(history: History, service: string, event: HistoryEventName, field: string): number {
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

/**
 * The figures every run reports, whatever its scenario: each declared stream
 * judged by its promise (fan-out: per consumer; load-balanced: at its end,
 * with the consumers' shares; request-reply: per client). Keyed
 * "producer/stream[ -> consumer]", prefixed "variant: " when a scenario has several.
 */
export function standardFigures(history: History): { streams: Record<string, StreamFigures> } {
  const streams: Record<string, StreamFigures> = {}
  const variants = [...new Set(history.map(e => e.variant))]
  for (const variant of variants) {
    const prefix = variants.length > 1 ? `${variant}: ` : ""
    for (const figures of account(ofVariant(history, variant))) streams[`${prefix}${figuresKey(figures)}`] = figures
  }
  return { streams }
}

/** The seqs of a figures' `lostIds` text ("3-5, 9"; an "incarnation:" prefix is dropped). */
export function parseIds(text: string): number[] {
  return text
    .split(/[;,]/)
    .map(part => part.trim().replace(/^[^:]*:/, ""))
    .filter(part => part !== "")
    .flatMap(part => {
      const [from, to = from] = part.split("-").map(Number) as [number, number?]
      return Array.from({ length: to! - from + 1 }, (_, i) => from + i)
    })
}

/** Ids as compact text ("1-77, 80"), for a check that compares two lists of ids. */
export const asRanges = (ids: number[]): string => formatRanges(toRanges(ids))
