// ROUTER/DEALER: a DEALER client keeps many requests outstanding; replies come
// back out of order and are matched by id; none is lost.
import { count, events, maxOf, requests } from "./runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "./runner/dsl.js"

export default scenario({
  name: "rd-async",
  claim: "Ten requests outstanding at once; replies come back out of order, are matched by id, and none is lost.",
  services: ["rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"],
  // A burst of 10 every 2 s, each taking 50-400 ms on one of two workers.
  env: { RD_BURST: "10", RD_RATE: "0.5", RD_WORK_MS_MIN: "50", RD_WORK_MS_MAX: "400", RD_TIMEOUT_MS: "5000" },
  timeline: [waitFor("rd-client", "received", { count: 40, from: "start" })],
  figures: history => {
    const ids = events(history, "rd-client", "received").map(e => e.id as number)
    const outOfOrder = ids.filter((id, i) => i > 0 && id < Math.max(...ids.slice(0, i))).length
    // Requests still pending when the run stops the client are abandoned, not lost.
    const abandoned = new Set(events(history, "rd-client", "abandoned").flatMap(e => e.ids as number[]))
    const timedOut = new Set(events(history, "rd-client", "timeout").map(e => e.id as number))
    return {
      ...requests(history, "rd-client"),
      maxOutstanding: maxOf(history, "rd-client", "sent", "pending"),
      outOfOrderReplies: outOfOrder,
      matchedById: events(history, "rd-client", "received").every(e => e.id === (e.inReplyTo as { seq: number }).seq),
      lost: events(history, "rd-client", "sent").filter(e => !ids.includes(e.id as number) && !timedOut.has(e.id as number) && !abandoned.has(e.id as number)).length,
      abandonedAtStop: abandoned.size,
      lateOrUnexpected: count(history, "rd-client", "late-reply") + count(history, "rd-client", "unexpected-reply"),
    }
  },
  checks: f => [
    ["requests outstanding at once", f.maxOutstanding, atLeast(10)],
    ["replies out of order", f.outOfOrderReplies, atLeast(1)],
    ["every reply matched to its request id", f.matchedById, equals(true)],
    ["lost", f.lost, equals(0)],
    ["timeouts", f.timeouts, equals(0)],
  ],
})
