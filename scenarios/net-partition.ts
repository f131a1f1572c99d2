// Network: a subscriber cut off from the network for 5 s and reconnected.
// With ZMTP heartbeats it notices the silence, and recovers by itself.
import { actionTime, count, delivery, events, firstAfter, recoveryMs } from "./runner/checkers.js"
import { agree, atLeast, below, connect, disconnect, scenario, sleep, waitFor } from "./runner/dsl.js"

const HEARTBEAT_TIMEOUT_MS = 1500
const RATE = 20

export default scenario({
  name: "net-partition",
  claim: "A subscriber cut off from the network for 5 s and reconnected: with heartbeats it notices, recovers by itself, and loses only what was published while it was cut off.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE) },
  serviceEnv: { "pubsub-subscriber": { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS) } },
  timeline: [waitFor("pubsub-subscriber", "received", { count: 20 }), disconnect("pubsub-subscriber"), sleep(5000), connect("pubsub-subscriber"), waitFor("pubsub-subscriber", "received", { count: 20 })],
  figures: history => {
    const cutAt = actionTime(history, "disconnect", "pubsub-subscriber")
    const backAt = actionTime(history, "connect", "pubsub-subscriber")
    const noticed = firstAfter(history, cutAt, e => e.service === "pubsub-subscriber" && e.event === "socket.disconnect")
    const lastBefore = events(history, "pubsub-subscriber", "received", e => cutAt !== undefined && e.t < cutAt).at(-1)
    const firstAfterBack = firstAfter(history, backAt, e => e.service === "pubsub-subscriber" && e.event === "received")
    const end = events(history, "pubsub-subscriber", "received").at(-1)?.t ?? 0
    const got = delivery(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber", sentWhere: e => e.t < end })
    return {
      noticedAfterMs: noticed && cutAt !== undefined ? noticed.t - cutAt : null,
      recoveryMs: recoveryMs(history, { consumer: "pubsub-subscriber", from: backAt }),
      lossWindowMs: lastBefore && firstAfterBack ? firstAfterBack.t - lastBefore.t : null,
      lost: got.lost,
      lostRanges: got.lostRanges,
      lostLogged: events(history, "pubsub-subscriber", "gap").reduce((sum, e) => sum + (e.count as number), 0),
      reconnectRetries: count(history, "pubsub-subscriber", "socket.connect:retry", e => cutAt !== undefined && e.t > cutAt),
    }
  },
  checks: f => [
    ["disconnect noticed after (ms)", f.noticedAfterMs, below(HEARTBEAT_TIMEOUT_MS + 1500)],
    ["recovery after reconnecting (ms)", f.recoveryMs, below(5000)],
    ["lost while cut off", f.lost, atLeast(Math.round((5000 / 1000) * RATE * 0.8))],
    ["lost (logged as gaps, counted)", [f.lostLogged, f.lost], agree],
  ],
})
