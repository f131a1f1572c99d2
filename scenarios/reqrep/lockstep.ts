// REQ/REP: strictly one request, one reply, in order; REQ refuses a second
// send before the reply has come.
import { count, events, requestReply } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "reqrep-lockstep",
  claim: "Replies come in order, one per request; a second send before the reply is refused (EFSM).",
  note: "zeromq.js does not fail that second send at once: it waits for the socket to become writable, which a REQ waiting for its reply never does, and reports EFSM only when a send timeout runs out. Without a send timeout it would wait forever.",
  services: ["reqrep-server", "reqrep-client"],
  env: { REQREP_INTERVAL_MS: "50", REQREP_WORK_MS: "5", REQREP_SHOW_LOCKSTEP: "true" },
  timeline: [waitFor("reqrep-client", "refused"), waitFor("reqrep-client", "received", { count: 40 })],
  figures: history => {
    // The client's own lines, in the order it wrote them (one process: the history keeps that order).
    const steps = history.filter(e => e.service === "reqrep-client" && (e.event === "sent" || e.event === "received"))
    const replies = steps.filter(e => e.event === "received").map(e => (e.inReplyTo as { seq: number }).seq)
    // Lockstep: sent 1, reply to 1, sent 2, reply to 2, ... : never a send before the previous reply.
    const sendBeforeReply = steps.filter(
      (e, i) =>
        e.event === "sent" &&
        (e.seq as number) > 1 &&
        !(steps[i - 1]?.event === "received" && (steps[i - 1]!.inReplyTo as { seq: number }).seq === (e.seq as number) - 1),
    ).length
    const requests = requestReply(history, "reqrep-client")
    return {
      refused: events(history, "reqrep-client", "refused").map(e => e.code),
      replies: replies.length,
      repliesInOrder: replies.length > 0 && replies.every((seq, i) => i === 0 || seq === replies[i - 1]! + 1),
      sendsBeforeThePreviousReply: sendBeforeReply,
      lost: requests?.lost ?? null,
      unexpected: count(history, "reqrep-client", "unexpected-reply"),
    }
  },
  checks: f => [
    ["second send before the reply", f.refused, equals(["EFSM"])],
    ["replies", f.replies, atLeast(40)],
    ["replies in request order", f.repliesInOrder, equals(true)],
    ["requests sent before the previous one's reply", f.sendsBeforeThePreviousReply, equals(0)],
    ["requests lost", f.lost, equals(0)],
    ["unexpected replies", f.unexpected, equals(0)],
  ],
})
