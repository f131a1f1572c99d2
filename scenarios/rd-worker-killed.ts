// ROUTER/DEALER: requests in flight on a killed worker time out (listed by
// id); the rest are served; a restarted worker takes load again.
import { actionTime, count, events } from "./runner/checkers.js"
import { agree, atLeast, equals, kill, scenario, start, waitFor } from "./runner/dsl.js"

export default scenario({
  name: "rd-worker-killed",
  claim: "Requests in flight on a killed worker time out (ids listed), the rest are served; after a restart the worker takes load again.",
  services: ["rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"],
  // A request every 1.25 s, 1 s of work: the kill lands on a request in hand.
  env: { RD_RATE: "0.8", RD_WORK_MS_MIN: "1000", RD_WORK_MS_MAX: "1000", RD_TIMEOUT_MS: "3000" },
  timeline: [
    waitFor("rd-client", "received", { where: e => e.producer === "rd-worker-1", from: "start" }),
    waitFor("rd-worker-1", "received", { where: e => e.producer === "rd-client", from: "now" }),
    kill("rd-worker-1"),
    waitFor("rd-client", "timeout"),
    start("rd-worker-1"),
    waitFor("rd-client", "received", { where: e => e.producer === "rd-worker-1", count: 3, timeoutMs: 20_000 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "rd-worker-1") ?? 0
    const restartedAt = actionTime(history, "start", "rd-worker-1") ?? 0
    const timedOut = events(history, "rd-client", "timeout").map(e => e.id as number)
    const replied = new Set(events(history, "rd-client", "received").map(e => (e.inReplyTo as { seq: number }).seq))
    // In flight on worker 1: received by it, never answered by it.
    const answeredBy1 = new Set(events(history, "rd-worker-1", "sent").map(e => (e.inReplyTo as { seq: number }).seq))
    const heldBy1 = events(history, "rd-worker-1", "received", e => e.producer === "rd-client" && e.t < killedAt).map(e => e.seq as number).filter(id => !answeredBy1.has(id))
    const sentIds = events(history, "rd-client", "sent").map(e => e.id as number)
    const abandoned = events(history, "rd-client", "abandoned").flatMap(e => e.ids as number[])
    return {
      timedOutIds: timedOut,
      heldByKilledWorker: heldBy1,
      servedByWorker2DuringOutage: count(history, "rd-client", "received", e => e.producer === "rd-worker-2" && e.t > killedAt && e.t < restartedAt),
      worker1AfterRestart: count(history, "rd-client", "received", e => e.producer === "rd-worker-1" && e.t > restartedAt),
      unaccounted: sentIds.filter(id => !replied.has(id) && !timedOut.includes(id) && !abandoned.includes(id)).length,
      timedOutButAnswered: timedOut.filter(id => replied.has(id)).length,
    }
  },
  checks: f => [
    ["requests timed out", f.timedOutIds.length, atLeast(1)],
    ["held by the killed worker are among the timed out", f.heldByKilledWorker.every(id => f.timedOutIds.includes(id)), equals(true)],
    ["timed-out ids (held by the killed worker, timed out)", [f.heldByKilledWorker.join(","), f.timedOutIds.filter(id => f.heldByKilledWorker.includes(id)).join(",")], agree],
    ["timed out yet answered", f.timedOutButAnswered, equals(0)],
    ["requests neither answered nor timed out", f.unaccounted, equals(0)],
    ["replies from rd-worker-1 after its restart", f.worker1AfterRestart, atLeast(3)],
  ],
})
