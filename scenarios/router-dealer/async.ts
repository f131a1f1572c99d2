// ROUTER/DEALER: a DEALER client keeps many requests outstanding; replies come
// back out of order and are matched by id; none is lost.
import { count, events, maxOf, requestReply } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "router-dealer-async",
  claim: "Ten requests outstanding at once; replies come back out of order, are matched by id, and none is lost.",
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", "router-dealer-client"],
  // A burst of 10 every 2 s, each taking 50-400 ms on one of two workers.
  env: {
    ROUTER_DEALER_BURST: "10",
    ROUTER_DEALER_RATE: "0.5",
    ROUTER_DEALER_WORK_MS_MIN: "50",
    ROUTER_DEALER_WORK_MS_MAX: "400",
    ROUTER_DEALER_TIMEOUT_MS: "5000",
  },
  timeline: [waitFor("router-dealer-client", "received", { count: 40, from: "start" })],
  figures: history => {
    const replies = events(history, "router-dealer-client", "received")
    const ids = replies.map(e => e.id as number)
    const requests = requestReply(history, "router-dealer-client")
    return {
      answered: requests?.received ?? null,
      maxOutstanding: maxOf(history, "router-dealer-client", "sent", "pending"),
      outOfOrderReplies: ids.filter((id, i) => i > 0 && id < Math.max(...ids.slice(0, i))).length,
      // Each worker echoes the request's body ("request <n>"): the reply matched to id n must carry n.
      matchedById: replies.length > 0 && replies.every(e => Number((e.body as { answer: { question: string } }).answer.question.split(" ").at(-1)) === e.id),
      lost: requests?.lost ?? null,
      abandonedAtStop: requests?.abandoned ?? null,
      timeouts: count(history, "router-dealer-client", "timeout"),
      lateOrUnexpected: count(history, "router-dealer-client", "late-reply") + count(history, "router-dealer-client", "unexpected-reply"),
    }
  },
  checks: f => [
    ["requests outstanding at once", f.maxOutstanding, atLeast(10)],
    ["replies out of order", f.outOfOrderReplies, atLeast(1)],
    ["every reply matched to the request it answers", f.matchedById, equals(true)],
    ["requests lost", f.lost, equals(0)],
    ["timeouts", f.timeouts, equals(0)],
  ],
})
