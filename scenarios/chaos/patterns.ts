// What a chaos run needs to know of each pattern: the naive and the reliable
// variant's services, the roles a fault can hit (each role is one service in
// each variant, hit together), their settings, and how to count attempted,
// acknowledged and delivered messages in each variant's part of the history.
import { delivery, events, longestOutage, taskRef } from "../runner/checkers.js"
import type { Env } from "../runner/compose.js"
import type { History } from "../runner/history.js"
import { differingKeys } from "../../services/clone/store.js"

export interface VariantFigures {
  attempted: number
  /** Messages the variant acknowledged to their producer (null: it has no acknowledgement). */
  acknowledged: number | null
  /** Attempted but not acknowledged when the run ended (null: no acknowledgement). */
  unacknowledged: number | null
  delivered: number
  /** Acknowledged (or, without acknowledgements, attempted) yet never delivered. */
  lost: number
  lostIds: string
  /** Delivered to the application more than once. */
  duplicated: number
  unexpected: number
  longestOutageMs: number
  /** Where the variant keeps a copy of a state: keys whose value differs from the original's at the end. */
  finalStateDiffers?: number
}

export interface ChaosPattern {
  name: string
  description: string
  naive: string[]
  reliable: string[]
  roles: Record<string, { naive: string; reliable: string }>
  /** Settings; `rate` and `duration` (s) size the run. */
  env(rate: number, durationS: number): Env
  /** Waits after the faults: until the reliable variant has made and had acknowledged all it will. */
  settled(rate: number, durationS: number): { service: string; event: string; where: (e: Record<string, unknown>) => boolean }
  /** The service whose deliveries are the reliable / naive line of the timeline. */
  deliveries: { naive: { service: string; event: string }; reliable: { service: string; event: string } }
  naiveFigures(history: History): VariantFigures
  reliableFigures(history: History): VariantFigures
}

const ranges = (ids: number[]) => {
  const sorted = [...ids].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(", ")
}

/**
 * A reliable variant's figures from what its producer attempted and had
 * acknowledged, and each delivery to the application (keys, repeats kept).
 */
function reliableCounts<K>(attempted: Set<K>, acknowledged: Set<K>, deliveries: K[], toIds: (keys: K[]) => string, longestOutageMs: number): VariantFigures {
  const delivered = new Set(deliveries)
  const lost = [...acknowledged].filter(key => !delivered.has(key))
  return {
    attempted: attempted.size,
    acknowledged: acknowledged.size,
    unacknowledged: [...attempted].filter(key => !acknowledged.has(key)).length,
    delivered: delivered.size,
    lost: lost.length,
    lostIds: toIds(lost),
    duplicated: deliveries.length - delivered.size,
    unexpected: [...delivered].filter(key => !attempted.has(key)).length,
    longestOutageMs,
  }
}

const pipeline: ChaosPattern = {
  name: "pipeline",
  description: "PUSH/PULL pipeline vs the reliable pipeline (acknowledged tasks, resend on timeout, dedup at the sink)",
  naive: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
  reliable: ["rpipe-sink", "rpipe-worker-1", "rpipe-worker-2", "rpipe-ventilator"],
  roles: {
    worker: { naive: "pipeline-worker-1", reliable: "rpipe-worker-1" },
    sink: { naive: "pipeline-sink", reliable: "rpipe-sink" },
    ventilator: { naive: "pipeline-ventilator", reliable: "rpipe-ventilator" },
  },
  env: (rate, durationS) => ({
    PIPELINE_RATE: String(rate),
    PIPELINE_TASKS: String(rate * durationS),
    PIPELINE_WORK_MS_MIN: "20",
    PIPELINE_WORK_MS_MAX: "60",
    RPIPE_RATE: String(rate),
    RPIPE_TASKS: String(rate * durationS),
    RPIPE_WORK_MS_MIN: "20",
    RPIPE_WORK_MS_MAX: "60",
    RPIPE_ACK_TIMEOUT_MS: "2000",
    LOG_MESSAGES: "true",
  }),
  settled: (rate, durationS) => ({ service: "rpipe-ventilator", event: "stats", where: e => e.pending === 0 && (e.nextId as number) > rate * durationS }),
  deliveries: { naive: { service: "pipeline-sink", event: "received" }, reliable: { service: "rpipe-sink", event: "delivered" } },
  naiveFigures(history) {
    const got = delivery(history, { producer: "pipeline-ventilator", consumer: "pipeline-sink", refOf: taskRef, sinceJoined: false })
    return {
      attempted: got.sent,
      acknowledged: null,
      unacknowledged: null,
      delivered: got.received,
      lost: got.lost,
      lostIds: got.lostRanges.map(r => `${r.incarnation}:${r.from === r.to ? r.from : `${r.from}-${r.to}`}`).join(", "),
      duplicated: got.duplicated,
      unexpected: got.unexpected,
      longestOutageMs: longestOutage(history, { consumer: "pipeline-sink" }).ms,
    }
  },
  reliableFigures(history) {
    const attempted = new Set(events(history, "rpipe-ventilator", "sent").map(e => e.taskId as number))
    const acknowledged = new Set(events(history, "rpipe-ventilator", "acked").map(e => e.taskId as number))
    const deliveries = events(history, "rpipe-sink", "delivered").map(e => e.taskId as number)
    return reliableCounts(attempted, acknowledged, deliveries, ranges, outage(history, "rpipe-sink", "delivered"))
  },
}

/** A client's requests by key "incarnation:seq", and which of them got a reply. */
function clientRequests(history: History, client: string) {
  const sent = events(history, client, "sent")
  const incarnationOf = new Map(sent.map(e => [e.seq as number, e.incarnation as string]))
  const attempted = new Set(sent.map(e => `${e.incarnation as string}:${e.seq as number}`))
  const acknowledged = new Set(
    events(history, client, "received").map(e => {
      const seq = (e.inReplyTo as { seq: number }).seq
      return `${incarnationOf.get(seq) ?? "?"}:${seq}`
    }),
  )
  return { attempted, acknowledged }
}

/**
 * A request/reply variant without retries: a request is acknowledged when its
 * client has the reply; one it gave up on (timed out) is lost. Delivered: the
 * requests a server handled.
 */
function naiveRequests(history: History, client: string, servers: string[]): VariantFigures {
  const { attempted, acknowledged } = clientRequests(history, client)
  const handled = servers.flatMap(server => events(history, server, "received", e => e.producer === client)).map(e => `${e.incarnation as string}:${e.seq as number}`)
  const lost = [...attempted].filter(key => !acknowledged.has(key))
  return {
    attempted: attempted.size,
    acknowledged: acknowledged.size,
    unacknowledged: lost.length,
    delivered: new Set(handled).size,
    lost: lost.length,
    lostIds: seqRanges(lost),
    duplicated: handled.length - new Set(handled).size,
    unexpected: 0,
    longestOutageMs: outage(history, client, "received"),
  }
}

/** A retrying request/reply variant: delivered is what the deduplicating servers handled (their `delivered` lines). */
function reliableRequests(history: History, client: string, servers: string[]): VariantFigures {
  const { attempted, acknowledged } = clientRequests(history, client)
  const deliveries = servers.flatMap(server => events(history, server, "delivered", e => e.producer === client)).map(e => `${e.incarnation as string}:${e.seq as number}`)
  return reliableCounts(attempted, acknowledged, deliveries, seqRanges, outage(history, client, "received"))
}

const seqRanges = (keys: string[]) => ranges(keys.map(key => Number(key.split(":")[1])))

const outage = (history: History, service: string, event: string) =>
  longestOutage(history.map(e => (e.service === service && e.event === event ? { ...e, event: "received" } : e)), { consumer: service }).ms

const reqrep: ChaosPattern = {
  name: "reqrep",
  description: "REQ/REP with a plain timeout (the naive client gives a timed-out request up) vs Lazy Pirate (the client resends with backoff; the server deduplicates)",
  naive: ["reqrep-server", "reqrep-client"],
  reliable: ["lp-server", "lp-client"],
  roles: { server: { naive: "reqrep-server", reliable: "lp-server" } },
  env: (rate, durationS) => ({ REQREP_INTERVAL_MS: String(Math.round(1000 / rate)), REQREP_REQUESTS: String(rate * durationS), REQREP_WORK_MS: "5", REQREP_TIMEOUT_MS: "1000", LOG_MESSAGES: "true" }),
  settled: () => ({ service: "lp-client", event: "done", where: () => true }),
  deliveries: { naive: { service: "reqrep-client", event: "received" }, reliable: { service: "lp-client", event: "received" } },
  naiveFigures: history => naiveRequests(history, "reqrep-client", ["reqrep-server"]),
  reliableFigures: history => reliableRequests(history, "lp-client", ["lp-server"]),
}

const broker: ChaosPattern = {
  name: "broker",
  description:
    "ROUTER/DEALER broker with REP workers and a DEALER client that gives a timed-out request up vs Paranoid Pirate (a ROUTER/ROUTER queue that tracks its workers by heartbeats and expires silent ones, workers that reconnect with backoff and share a record of handled requests, the Lazy Pirate's retrying client)",
  naive: ["rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"],
  reliable: ["pp-queue", "pp-worker-1", "pp-worker-2", "pp-client"],
  roles: {
    worker: { naive: "rd-worker-1", reliable: "pp-worker-1" },
    broker: { naive: "rd-broker", reliable: "pp-queue" },
  },
  env: (rate, durationS) => ({
    RD_RATE: String(rate),
    RD_REQUESTS: String(rate * durationS),
    RD_TIMEOUT_MS: "1000",
    RD_WORK_MS_MIN: "5",
    RD_WORK_MS_MAX: "5",
    REQREP_INTERVAL_MS: String(Math.round(1000 / rate)),
    REQREP_REQUESTS: String(rate * durationS),
    PP_WORK_MS: "5",
    LOG_MESSAGES: "true",
  }),
  settled: () => ({ service: "pp-client", event: "done", where: () => true }),
  deliveries: { naive: { service: "rd-client", event: "received" }, reliable: { service: "pp-client", event: "received" } },
  naiveFigures: history => naiveRequests(history, "rd-client", ["rd-worker-1", "rd-worker-2"]),
  reliableFigures: history => reliableRequests(history, "pp-client", ["pp-worker-1", "pp-worker-2"]),
}

/** The values of a service's last event of a kind (a `done` or `state` line), or none. */
function lastValues(history: History, service: string, event: string): Record<string, string> | undefined {
  return events(history, service, event).at(-1)?.values as Record<string, string> | undefined
}

/**
 * A copy of the publisher's store: a version is delivered when the copy
 * applied it, or loaded a snapshot that includes it; lost when neither. The
 * copy's last state is compared key by key with the publisher's final one.
 */
function cloneFigures(history: History, publisher: string, subscriber: string): VariantFigures {
  const attempted = new Set(events(history, publisher, "sent").map(e => e.version as number))
  const applied = events(history, subscriber, "received").map(e => `${e.incarnation as string}:${e.version as number}`)
  const appliedVersions = new Set(applied.map(key => Number(key.split(":")[1])))
  const snapshotVersions = events(history, subscriber, "snapshot").map(e => e.snapshotVersion as number)
  const covered = (version: number) => appliedVersions.has(version) || snapshotVersions.some(s => s >= version)
  const lost = [...attempted].filter(version => !covered(version))
  const original = lastValues(history, publisher, "done") ?? {}
  const copy = lastValues(history, subscriber, "state") ?? {}
  return {
    attempted: attempted.size,
    acknowledged: null,
    unacknowledged: null,
    delivered: attempted.size - lost.length,
    lost: lost.length,
    lostIds: ranges(lost),
    duplicated: applied.length - new Set(applied).size,
    unexpected: [...appliedVersions].filter(version => !attempted.has(version)).length,
    longestOutageMs: outage(history, subscriber, "received"),
    finalStateDiffers: differingKeys(original, copy).length,
  }
}

const pubsub: ChaosPattern = {
  name: "pubsub",
  description:
    "A key-value store published over PUB/SUB, copied by a subscriber that applies whatever updates it gets vs the Clone pattern (subscribe, then ask the snapshot socket for the store and its version, apply only newer updates, ask again on a gap or when the heartbeat says it is behind)",
  naive: ["kv-publisher", "kv-subscriber"],
  reliable: ["clone-publisher", "clone-subscriber"],
  roles: {
    publisher: { naive: "kv-publisher", reliable: "clone-publisher" },
    subscriber: { naive: "kv-subscriber", reliable: "clone-subscriber" },
  },
  env: (rate, durationS) => ({ CLONE_RATE: String(rate), CLONE_UPDATES: String(rate * durationS), LOG_MESSAGES: "true" }),
  settled: (rate, durationS) => ({ service: "clone-subscriber", event: "state", where: e => e.publisherDone === true && e.version === rate * durationS && e.publisherVersion === rate * durationS }),
  deliveries: { naive: { service: "kv-subscriber", event: "received" }, reliable: { service: "clone-subscriber", event: "received" } },
  naiveFigures: history => cloneFigures(history, "kv-publisher", "kv-subscriber"),
  reliableFigures: history => cloneFigures(history, "clone-publisher", "clone-subscriber"),
}

export const patterns: Record<string, ChaosPattern> = { pipeline, reqrep, broker, pubsub }
