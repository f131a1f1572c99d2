// Network: a subscriber cut off from the network for 5 s and reconnected.
// With ZMTP heartbeats it notices the silence, and recovers by itself.
import { actionTime, asRanges, count, events, fanOut, firstAfter, gapsLogged, parseIds, recoveryMs } from "../runner/checkers.js"
import { agree, atLeast, below, connect, disconnect, isTrue, scenario, sleep, waitFor } from "../runner/dsl.js"

const HEARTBEAT_TIMEOUT_MS = 1500
const RATE = 20
/** A message sent this long before the cut may still have been on its way. */
const IN_FLIGHT_MS = 500

export default scenario({
  name: "network-partition",
  claim:
    "A subscriber cut off from the network for 5 s and reconnected: with heartbeats it notices, recovers by itself, and loses only what was published while it was cut off.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE) },
  serviceEnv: { "pubsub-subscriber": { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS) } },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 20 }),
    disconnect("pubsub-subscriber"),
    sleep(5000),
    connect("pubsub-subscriber"),
    waitFor("pubsub-subscriber", "received", { count: 20 }),
  ],
  figures: history => {
    const cutAt = actionTime(history, "disconnect", "pubsub-subscriber")
    const backAt = actionTime(history, "connect", "pubsub-subscriber")
    const noticed = firstAfter(history, cutAt, e => e.service === "pubsub-subscriber" && e.event === "socket.disconnect")
    const firstAfterBack = firstAfter(history, backAt, e => e.service === "pubsub-subscriber" && e.event === "received")
    const stream = fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
    const lost = parseIds(stream?.lostIds ?? "")
    const sentAt = new Map(events(history, "pubsub-publisher", "sent").map(e => [e.seq as number, e.t]))
    // Lost only while cut off: sent between the cut (less what was on its way) and the first message after reconnecting.
    const inside = (seq: number) =>
      cutAt !== undefined && firstAfterBack !== undefined && sentAt.get(seq)! >= cutAt - IN_FLIGHT_MS && sentAt.get(seq)! <= firstAfterBack.t
    return {
      noticedAfterMs: noticed && cutAt !== undefined ? noticed.t - cutAt : null,
      recoveryMs: recoveryMs(history, { consumer: "pubsub-subscriber", from: backAt }),
      lost: lost.length,
      lostIds: stream?.lostIds ?? null,
      lostOutsideThePartition: lost.filter(seq => !inside(seq)),
      lostLoggedAndCounted: [asRanges(gapsLogged(history, "pubsub-subscriber")), asRanges(lost)],
      reconnectRetries: count(history, "pubsub-subscriber", "socket.connect:retry", e => cutAt !== undefined && e.t > cutAt),
    }
  },
  checks: f => [
    ["disconnect noticed after (ms)", f.noticedAfterMs, below(HEARTBEAT_TIMEOUT_MS + 1500)],
    ["recovery after reconnecting (ms)", f.recoveryMs, below(5000)],
    ["lost while cut off", f.lost, atLeast(Math.round((5000 / 1000) * RATE * 0.8))],
    ["lost outside the partition", f.lost > 0 && f.lostOutsideThePartition.length === 0, isTrue],
    ["lost seqs (logged as gaps, recounted)", f.lostLoggedAndCounted, agree],
  ],
})
