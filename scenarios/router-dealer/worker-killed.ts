// ROUTER/DEALER: requests in flight on a killed worker time out (listed by
// id); the rest are served; a restarted worker takes load again.
import { actionTime, count, events, requestReply } from "../runner/checkers.js"
import { atLeast, equals, isTrue, kill, scenario, start, waitFor } from "../runner/dsl.js"

const CLIENT = "router-dealer-client"

export default scenario({
  name: "router-dealer-worker-killed",
  claim: "Requests in flight on a killed worker time out (ids listed), the rest are served; after a restart the worker takes load again.",
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", CLIENT],
  // A request every 1.25 s, 1 s of work: the kill lands on a request in hand.
  env: { ROUTER_DEALER_RATE: "0.8", ROUTER_DEALER_WORK_MS_MIN: "1000", ROUTER_DEALER_WORK_MS_MAX: "1000", ROUTER_DEALER_TIMEOUT_MS: "3000" },
  timeline: [
    waitFor(CLIENT, "received", { where: e => e.producer === "router-dealer-worker-1", from: "start" }),
    waitFor("router-dealer-worker-1", "received", { where: e => e.producer === CLIENT, from: "now" }),
    kill("router-dealer-worker-1"),
    waitFor(CLIENT, "timeout"),
    start("router-dealer-worker-1"),
    waitFor(CLIENT, "received", { where: e => e.producer === "router-dealer-worker-1", count: 3, timeoutMs: 20_000 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "router-dealer-worker-1") ?? 0
    const restartedAt = actionTime(history, "start", "router-dealer-worker-1") ?? 0
    const timedOut = events(history, CLIENT, "timeout")
      .map(e => e.id as number)
      .sort((a, b) => a - b)
    // In flight on worker 1: taken by it before the kill, and its work never finished.
    const doneBy1 = new Set(events(history, "router-dealer-worker-1", "delivered").map(e => e.seq as number))
    const heldBy1 = events(history, "router-dealer-worker-1", "received", e => e.producer === CLIENT && e.t < killedAt)
      .map(e => e.seq as number)
      .filter(id => !doneBy1.has(id))
    // A request any worker took: the others, timed out, never reached a worker (lost on the way to the killed one).
    const taken = new Set(
      ["router-dealer-worker-1", "router-dealer-worker-2"].flatMap(w => events(history, w, "received", e => e.producer === CLIENT).map(e => e.seq as number)),
    )
    const requests = requestReply(history, CLIENT)
    return {
      timedOutIds: timedOut,
      heldByKilledWorker: heldBy1,
      timedOutTakenByASurvivor: timedOut.filter(id => !heldBy1.includes(id) && taken.has(id)),
      answered: requests?.received ?? null,
      lost: requests?.lost ?? null,
      worker1AfterRestart: count(history, CLIENT, "received", e => e.producer === "router-dealer-worker-1" && e.t > restartedAt),
      // Neither answered, nor timed out, nor awaited when the client stopped.
      unaccounted: (requests?.lost ?? 0) - timedOut.length,
    }
  },
  checks: f => [
    ["requests held by the killed worker", f.heldByKilledWorker.length, atLeast(1)],
    ["every request it held timed out", f.heldByKilledWorker.length > 0 && f.heldByKilledWorker.every(id => f.timedOutIds.includes(id)), isTrue],
    ["timed out although a surviving worker took it", f.timedOutTakenByASurvivor.length, equals(0)],
    ["requests lost without a timeout", f.unaccounted, equals(0)],
    ["replies from router-dealer-worker-1 after its restart", f.worker1AfterRestart, atLeast(3)],
  ],
})
