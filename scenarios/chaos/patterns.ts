// What a chaos run needs to know of each pattern: the naive and the reliable
// variant's services, the roles a fault can hit (each role is one service in
// each variant, hit together), their settings, when each variant has settled,
// and its figures, counted by the accounting model (shared/accounting.ts).
import { account, formatRanges, toRanges, type FanOutFigures, type LoadBalancedFigures, type RequestReplyFigures } from "../../shared/accounting.js"
import { events } from "../runner/checkers.js"
import type { Env } from "../../harness/compose.js"
import type { History, HistoryEvent } from "../runner/history.js"
import { differingKeys } from "../../shared/keyvalue.js"
import type { EventName } from "../../shared/log-events.js"

export interface VariantFigures {
  /** The stream counted ("producer/stream", as the run's standard figures name it). */
  stream: string
  /** What its producer makes: "tasks", "requests" or "changes". */
  unit: string
  made: number
  /** Reached the application, after the work: delivered at the sink, answered, in the subscriber's copy. */
  delivered: number
  lost: number
  lostIds: string
  /** Reached the application twice (a task delivered twice, a request handled twice, a change applied twice by one copy). */
  duplicated: number
  /** Redeliveries absorbed by deduplication (resends, retries answered from the record). */
  absorbed: number
  /** Sends beyond the first: resent tasks, retried requests. */
  repeats: number
  /** Acknowledged to the producer: the sink's acks, the replies (null: no acknowledgement). */
  acknowledged: number | null
  /** Acknowledged, yet the work was never done: what a reliable variant must never do. */
  acknowledgedButLost: number | null
  /** Made, and neither acknowledged nor lost when the run ended (null: no acknowledgement). */
  unacknowledged: number | null
  /** Delivered, but never made. */
  unexpected: number
  longestOutageMs: number
  /** Pub/sub: keys whose value differs from the original's at the end (null: a final state is missing). */
  finalStateDiffers?: number | null
  /** Pub/sub: what PUB/SUB itself delivered of the changes, before any snapshot. */
  transport?: { received: number; beforeJoin: number; lost: number }
}

export interface Wait {
  service: string
  event: EventName
  where?: (e: HistoryEvent) => boolean
}

export interface ChaosPattern {
  name: string
  description: string
  naive: { label: string; services: string[] }
  reliable: { label: string; services: string[] }
  roles: Record<string, { naive: string; reliable: string }>
  /** Settings: messages at `rate` per second, none made after `until` (epoch ms). */
  env(rate: number, until: number): Env
  /** When each variant has made, and had settled, all it will. */
  settled: { naive: Wait; reliable: Wait }
  /** The service and event whose times are each variant's line in the timeline. */
  deliveries: { naive: Wait; reliable: Wait }
  figures(history: History, variant: "naive" | "reliable"): VariantFigures
}

const find = <T>(history: History, test: (f: ReturnType<typeof account>[number]) => f is T & ReturnType<typeof account>[number]) => account(history).find(test)

/** What every variant's figures take from its stream's, as they are. */
function fromStream(f: LoadBalancedFigures | RequestReplyFigures | undefined, stream: string, unit: string) {
  return {
    stream,
    unit,
    made: f?.sent ?? 0,
    delivered: f?.received ?? 0,
    lost: f?.lost ?? 0,
    lostIds: f?.lostIds ?? "",
    duplicated: f?.duplicated ?? 0,
    absorbed: f?.absorbed ?? 0,
    unexpected: f?.unexpected ?? 0,
    longestOutageMs: f?.longestOutageMs ?? 0,
  }
}

function tasksFigures(history: History, ventilator: string): VariantFigures {
  const f = find<LoadBalancedFigures>(
    history,
    (x): x is LoadBalancedFigures => x.promise === "load-balanced" && x.producer === ventilator && x.stream === "tasks",
  )
  return {
    ...fromStream(f, `${ventilator}/tasks`, "tasks"),
    repeats: f?.resends ?? 0,
    acknowledged: f?.acknowledged ?? null,
    acknowledgedButLost: f?.acknowledgedButLost ?? null,
    unacknowledged: f && f.acknowledged !== null ? f.sent - f.acknowledged : null,
  }
}

function requestFigures(history: History, client: string): VariantFigures {
  const f = find<RequestReplyFigures>(history, (x): x is RequestReplyFigures => x.promise === "request-reply" && x.producer === client)
  return {
    ...fromStream(f, `${client}/requests`, "requests"),
    repeats: f?.retries ?? 0,
    // A reply is the acknowledgement: "acknowledged but lost" is answered but never handled.
    acknowledged: f?.received ?? 0,
    acknowledgedButLost: f?.answeredButNotHandled ?? 0,
    unacknowledged: f?.abandoned ?? 0,
  }
}

/** The values of a service's last event of a kind (a `done` or `state` line), or undefined. */
function lastValues(history: History, service: string, event: EventName): Record<string, string> | undefined {
  return events(history, service, event).at(-1)?.values as Record<string, string> | undefined
}

/**
 * A copy of the publisher's store. A change is in the copy when the copy
 * applied it, or loaded a snapshot that includes it; lost when neither. The
 * copy's last state is compared key by key with the publisher's final one (a
 * missing state is no state, and compares as such: null, never as equal).
 */
function changesFigures(history: History, publisher: string, subscriber: string): VariantFigures {
  const made = new Set(events(history, publisher, "sent").map(e => e.seq as number))
  const applied = events(history, subscriber, "delivered").map(e => ({ version: e.seq as number, instance: e.instance as string }))
  const appliedVersions = new Set(applied.map(a => a.version))
  const newestSnapshot = Math.max(0, ...events(history, subscriber, "snapshot").map(e => e.snapshotVersion as number))
  const inCopy = (version: number) => appliedVersions.has(version) || version <= newestSnapshot
  const lost = [...made].filter(version => !inCopy(version))
  // A change applied twice by one copy (one process): a restarted copy starts anew.
  const perInstance = new Map<string, number>()
  for (const a of applied) perInstance.set(`${a.instance}/${a.version}`, (perInstance.get(`${a.instance}/${a.version}`) ?? 0) + 1)
  const original = lastValues(history, publisher, "done")
  const copy = lastValues(history, subscriber, "state")
  const transport = find<FanOutFigures>(history, (x): x is FanOutFigures => x.promise === "fan-out" && x.producer === publisher && x.consumer === subscriber)
  const appliedTimes = events(history, subscriber, "delivered").map(e => e.t)
  const sendTimes = events(history, publisher, "sent").map(e => e.t)
  return {
    stream: `${publisher}/updates`,
    unit: "changes",
    made: made.size,
    delivered: [...made].filter(inCopy).length,
    lost: lost.length,
    lostIds: formatRanges(toRanges(lost)),
    duplicated: [...perInstance.values()].reduce((sum, n) => sum + n - 1, 0),
    absorbed: 0,
    repeats: 0,
    acknowledged: null,
    acknowledgedButLost: null,
    unacknowledged: null,
    unexpected: [...appliedVersions].filter(version => !made.has(version)).length,
    longestOutageMs: transport?.longestOutageMs ?? (sendTimes.length > 0 ? Math.max(...sendTimes) - Math.min(...sendTimes, ...appliedTimes) : 0),
    finalStateDiffers: original && copy ? differingKeys(original, copy).length : null,
    transport: { received: transport?.received ?? 0, beforeJoin: transport?.beforeJoin ?? 0, lost: transport?.lost ?? 0 },
  }
}

const pipeline: ChaosPattern = {
  name: "pipeline",
  description: "PUSH/PULL pipeline vs the reliable pipeline (acknowledged tasks, resend on timeout, dedup at the sink)",
  naive: { label: "PUSH/PULL", services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"] },
  reliable: {
    label: "reliable pipeline",
    services: ["reliable-pipeline-sink", "reliable-pipeline-worker-1", "reliable-pipeline-worker-2", "reliable-pipeline-ventilator"],
  },
  roles: {
    worker: { naive: "pipeline-worker-1", reliable: "reliable-pipeline-worker-1" },
    sink: { naive: "pipeline-sink", reliable: "reliable-pipeline-sink" },
    ventilator: { naive: "pipeline-ventilator", reliable: "reliable-pipeline-ventilator" },
  },
  env: (rate, until) => ({
    PRODUCE_UNTIL: String(until),
    PIPELINE_RATE: String(rate),
    PIPELINE_WORK_MS_MIN: "20",
    PIPELINE_WORK_MS_MAX: "60",
    RELIABLE_PIPELINE_RATE: String(rate),
    RELIABLE_PIPELINE_WORK_MS_MIN: "20",
    RELIABLE_PIPELINE_WORK_MS_MAX: "60",
    RELIABLE_PIPELINE_ACK_TIMEOUT_MS: "2000",
    LOG_MESSAGES: "true",
  }),
  settled: { naive: { service: "pipeline-ventilator", event: "done" }, reliable: { service: "reliable-pipeline-ventilator", event: "done" } },
  deliveries: { naive: { service: "pipeline-sink", event: "delivered" }, reliable: { service: "reliable-pipeline-sink", event: "delivered" } },
  figures: (history, variant) => tasksFigures(history, variant === "naive" ? "pipeline-ventilator" : "reliable-pipeline-ventilator"),
}

const reqrep: ChaosPattern = {
  name: "reqrep",
  description:
    "REQ/REP with a plain timeout (the naive client gives a timed-out request up) vs Lazy Pirate (the client resends with backoff; the server answers a resend from its record of handled requests)",
  naive: { label: "REQ/REP", services: ["reqrep-server", "reqrep-client"] },
  reliable: { label: "Lazy Pirate", services: ["lazy-pirate-server", "lazy-pirate-client"] },
  roles: { server: { naive: "reqrep-server", reliable: "lazy-pirate-server" } },
  env: (rate, until) => ({
    PRODUCE_UNTIL: String(until),
    REQREP_INTERVAL_MS: String(Math.round(1000 / rate)),
    REQREP_WORK_MS: "5",
    REQREP_TIMEOUT_MS: "1000",
    LAZY_PIRATE_INTERVAL_MS: String(Math.round(1000 / rate)),
    LAZY_PIRATE_WORK_MS: "5",
    LAZY_PIRATE_TIMEOUT_MS: "1000",
    LOG_MESSAGES: "true",
  }),
  settled: { naive: { service: "reqrep-client", event: "done" }, reliable: { service: "lazy-pirate-client", event: "done" } },
  deliveries: { naive: { service: "reqrep-client", event: "received" }, reliable: { service: "lazy-pirate-client", event: "received" } },
  figures: (history, variant) => requestFigures(history, variant === "naive" ? "reqrep-client" : "lazy-pirate-client"),
}

const routerDealer: ChaosPattern = {
  name: "router-dealer",
  description:
    "ROUTER/DEALER broker with REP workers and a DEALER client that gives a timed-out request up vs Paranoid Pirate (a ROUTER/ROUTER queue that tracks its workers by heartbeats and expires silent ones, workers that reconnect with backoff and share a record of handled requests, the Lazy Pirate's retrying client)",
  naive: { label: "ROUTER/DEALER broker", services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", "router-dealer-client"] },
  reliable: { label: "Paranoid Pirate", services: ["paranoid-pirate-queue", "paranoid-pirate-worker-1", "paranoid-pirate-worker-2", "paranoid-pirate-client"] },
  roles: {
    worker: { naive: "router-dealer-worker-1", reliable: "paranoid-pirate-worker-1" },
    broker: { naive: "router-dealer-broker", reliable: "paranoid-pirate-queue" },
  },
  env: (rate, until) => ({
    PRODUCE_UNTIL: String(until),
    ROUTER_DEALER_RATE: String(rate),
    ROUTER_DEALER_TIMEOUT_MS: "1000",
    ROUTER_DEALER_WORK_MS_MIN: "5",
    ROUTER_DEALER_WORK_MS_MAX: "5",
    LAZY_PIRATE_INTERVAL_MS: String(Math.round(1000 / rate)),
    PARANOID_PIRATE_WORK_MS: "5",
    LOG_MESSAGES: "true",
  }),
  settled: { naive: { service: "router-dealer-client", event: "done" }, reliable: { service: "paranoid-pirate-client", event: "done" } },
  deliveries: { naive: { service: "router-dealer-client", event: "received" }, reliable: { service: "paranoid-pirate-client", event: "received" } },
  figures: (history, variant) => requestFigures(history, variant === "naive" ? "router-dealer-client" : "paranoid-pirate-client"),
}

const pubsub: ChaosPattern = {
  name: "pubsub",
  description:
    "A key-value store published over PUB/SUB, copied by a subscriber that applies whatever updates it gets vs the Clone pattern (subscribe, then ask the snapshot socket for the store and its version, apply only newer updates, ask again on a gap or when the heartbeat says it is behind)",
  naive: { label: "PUB/SUB copy", services: ["clone-naive-publisher", "clone-naive-subscriber"] },
  reliable: { label: "Clone", services: ["clone-publisher", "clone-subscriber"] },
  roles: {
    publisher: { naive: "clone-naive-publisher", reliable: "clone-publisher" },
    subscriber: { naive: "clone-naive-subscriber", reliable: "clone-subscriber" },
  },
  env: (rate, until) => ({ PRODUCE_UNTIL: String(until), CLONE_RATE: String(rate), LOG_MESSAGES: "true" }),
  settled: {
    naive: { service: "clone-naive-publisher", event: "done" },
    // The copy has caught up with the publisher's final version.
    reliable: { service: "clone-subscriber", event: "state", where: e => e.publisherDone === true && e.version === e.publisherVersion },
  },
  deliveries: { naive: { service: "clone-naive-subscriber", event: "delivered" }, reliable: { service: "clone-subscriber", event: "delivered" } },
  figures: (history, variant) =>
    variant === "naive"
      ? changesFigures(history, "clone-naive-publisher", "clone-naive-subscriber")
      : changesFigures(history, "clone-publisher", "clone-subscriber"),
}

export const patterns: Record<string, ChaosPattern> = { pipeline, reqrep, "router-dealer": routerDealer, pubsub }

/** One variant's figures in a sentence: "600 requests: 574 answered, 26 lost". */
export function describeVariant(f: VariantFigures): string {
  const reached = f.unit === "requests" ? "answered" : f.unit === "changes" ? "in the copy" : "delivered"
  const parts = [`${f.made} ${f.unit}: ${f.delivered} ${reached}, ${f.lost} lost`]
  if (f.duplicated > 0) parts.push(`${f.duplicated} ${f.unit === "requests" ? "handled" : f.unit === "changes" ? "applied" : "delivered"} twice`)
  if (f.acknowledgedButLost) parts.push(`${f.acknowledgedButLost} acknowledged but lost`)
  if (f.repeats > 0) parts.push(`${f.repeats} ${f.unit === "requests" ? "retries" : "resends"}`)
  if (f.absorbed > 0) parts.push(`${f.absorbed} redeliveries absorbed`)
  if (f.finalStateDiffers !== undefined)
    parts.push(f.finalStateDiffers === null ? "final state missing" : `${f.finalStateDiffers} keys off the original at the end`)
  return parts.join(", ")
}
