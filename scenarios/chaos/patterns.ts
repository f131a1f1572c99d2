// What a chaos run needs to know of each pattern: the naive and the reliable
// variant's services, the roles a fault can hit (each role is one service in
// each variant, hit together), their settings, and how to count attempted,
// acknowledged and delivered messages in each variant's part of the history.
import { delivery, events, longestOutage, taskRef } from "../runner/checkers.js"
import type { Env } from "../runner/compose.js"
import type { History } from "../runner/history.js"

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
}

export interface ChaosPattern {
  name: string
  description: string
  naive: string[]
  reliable: string[]
  roles: Record<string, { naive: string; reliable: string }>
  /** Settings; `rate` and `duration` (s) size the run. */
  env(rate: number, durationS: number): Env
  /** Settings of single services (the reliable variant's heartbeats). */
  serviceEnv: Record<string, Env>
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
  // ZMTP heartbeats on every reliable socket: after a network disconnect, a
  // connection can stay half-open for good (nothing resets it), and acks would
  // go into it forever. Heartbeats notice the silence and reconnect.
  serviceEnv: Object.fromEntries(["rpipe-sink", "rpipe-worker-1", "rpipe-worker-2", "rpipe-ventilator"].map(service => [service, { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: "2000" }])),
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

const outage = (history: History, service: string, event: string) =>
  longestOutage(history.map(e => (e.service === service && e.event === event ? { ...e, event: "received" } : e)), { consumer: service }).ms

const reqrep: ChaosPattern = {
  name: "reqrep",
  description: "REQ/REP with a plain timeout (the naive client gives a timed-out request up) vs Lazy Pirate (the client resends with backoff; the server deduplicates)",
  naive: ["reqrep-server", "reqrep-client"],
  reliable: ["lp-server", "lp-client"],
  roles: { server: { naive: "reqrep-server", reliable: "lp-server" } },
  env: (rate, durationS) => ({ REQREP_INTERVAL_MS: String(Math.round(1000 / rate)), REQREP_REQUESTS: String(rate * durationS), REQREP_WORK_MS: "5", REQREP_TIMEOUT_MS: "1000", LOG_MESSAGES: "true" }),
  serviceEnv: Object.fromEntries(["lp-server", "lp-client"].map(service => [service, { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: "2000" }])),
  settled: () => ({ service: "lp-client", event: "done", where: () => true }),
  deliveries: { naive: { service: "reqrep-client", event: "received" }, reliable: { service: "lp-client", event: "received" } },
  naiveFigures(history) {
    const { attempted, acknowledged } = clientRequests(history, "reqrep-client")
    const handled = events(history, "reqrep-server", "received", e => e.producer === "reqrep-client").map(e => `${e.incarnation as string}:${e.seq as number}`)
    const lost = [...attempted].filter(key => !acknowledged.has(key))
    return {
      attempted: attempted.size,
      acknowledged: acknowledged.size,
      unacknowledged: lost.length,
      delivered: new Set(handled).size,
      lost: lost.length,
      lostIds: ranges(lost.map(key => Number(key.split(":")[1]))),
      duplicated: handled.length - new Set(handled).size,
      unexpected: 0,
      longestOutageMs: outage(history, "reqrep-client", "received"),
    }
  },
  reliableFigures(history) {
    const { attempted, acknowledged } = clientRequests(history, "lp-client")
    const deliveries = events(history, "lp-server", "delivered").map(e => `${e.incarnation as string}:${e.seq as number}`)
    return reliableCounts(attempted, acknowledged, deliveries, keys => ranges(keys.map(key => Number(key.split(":")[1]))), outage(history, "lp-client", "received"))
  },
}

export const patterns: Record<string, ChaosPattern> = { pipeline, reqrep }
