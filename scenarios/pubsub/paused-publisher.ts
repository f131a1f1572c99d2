// PUB/SUB: `docker pause` freezes the publisher. Without heartbeats the
// subscriber notices nothing; with ZMTP heartbeats it logs a disconnect within
// about the heartbeat timeout, and recovers after the unpause.
import { actionTime, count, events, firstAfter, recoveryMs } from "../runner/checkers.js"
import { atLeast, below, equals, pause, scenario, sleep, unpause, waitFor } from "../runner/dsl.js"

const PLAIN = "pubsub-subscriber"
const HEARTBEAT = "pubsub-late-subscriber"
const HEARTBEAT_TIMEOUT_MS = 1500

export default scenario({
  name: "pubsub-paused-publisher",
  claim:
    "A paused publisher goes unnoticed without heartbeats; with ZMTP heartbeats the subscriber logs a disconnect within about the heartbeat timeout and recovers after unpause.",
  services: ["pubsub-publisher", PLAIN, HEARTBEAT],
  env: { PUBSUB_RATE: "20" },
  serviceEnv: { [HEARTBEAT]: { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS) } },
  timeline: [
    waitFor(HEARTBEAT, "received", { count: 20 }),
    pause("pubsub-publisher"),
    sleep(5000),
    unpause("pubsub-publisher"),
    waitFor(HEARTBEAT, "received", { count: 20 }),
    waitFor(PLAIN, "received", { count: 20 }),
  ],
  figures: history => {
    const pausedAt = actionTime(history, "pause", "pubsub-publisher")
    const unpausedAt = actionTime(history, "unpause", "pubsub-publisher")
    const during = (t: number) => pausedAt !== undefined && unpausedAt !== undefined && t >= pausedAt && t <= unpausedAt
    const noticed = firstAfter(history, pausedAt, e => e.service === HEARTBEAT && e.event === "socket.disconnect")
    return {
      withoutHeartbeats: {
        disconnectsWhilePaused: count(history, PLAIN, "socket.disconnect", e => during(e.t)),
        recoveryMs: recoveryMs(history, { consumer: PLAIN, from: unpausedAt }),
      },
      withHeartbeats: {
        noticedAfterMs: noticed && pausedAt !== undefined ? noticed.t - pausedAt : null,
        recoveryMs: recoveryMs(history, { consumer: HEARTBEAT, from: unpausedAt }),
        receivedAfterUnpause: events(history, HEARTBEAT, "received", e => unpausedAt !== undefined && e.t > unpausedAt).length,
      },
    }
  },
  checks: f => [
    ["without heartbeats: disconnects while paused", f.withoutHeartbeats.disconnectsWhilePaused, equals(0)],
    ["with heartbeats: disconnect noticed after (ms)", f.withHeartbeats.noticedAfterMs, below(HEARTBEAT_TIMEOUT_MS + 1500)],
    ["with heartbeats: received after unpause", f.withHeartbeats.receivedAfterUnpause, atLeast(20)],
    ["with heartbeats: recovery after unpause (ms)", f.withHeartbeats.recoveryMs, below(3000)],
  ],
})
