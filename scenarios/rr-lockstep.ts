// REQ/REP: strictly one request, one reply, in order; REQ refuses a second
// send before the reply has come.
import { count, events, requests } from "./runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "./runner/dsl.js"

export default scenario({
  name: "rr-lockstep",
  claim: "Replies come in order, one per request; a second send before the reply is refused (EFSM).",
  note: "zeromq.js does not fail that second send at once: it waits for the socket to become writable, which a REQ waiting for its reply never does, and reports EFSM only when a send timeout runs out. Without a send timeout it would wait forever.",
  services: ["reqrep-server", "reqrep-client"],
  env: { REQREP_INTERVAL_MS: "50", REQREP_WORK_MS: "5", REQREP_SHOW_LOCKSTEP: "true" },
  timeline: [waitFor("reqrep-client", "refused"), waitFor("reqrep-client", "received", { count: 40 })],
  figures: history => {
    const replies = events(history, "reqrep-client", "received").map(e => (e.inReplyTo as { seq: number }).seq)
    const sent = events(history, "reqrep-client", "sent").map(e => e.seq as number)
    return {
      refused: events(history, "reqrep-client", "refused").map(e => e.code),
      ...requests(history, "reqrep-client"),
      repliesInOrder: replies.every((seq, i) => i === 0 || seq === replies[i - 1]! + 1),
      // Every reply answers the request sent just before it: never two outstanding.
      lockstep: sent.every((seq, i) => i === 0 || replies.includes(sent[i - 1]!)),
      unexpected: count(history, "reqrep-client", "unexpected-reply"),
    }
  },
  checks: f => [
    ["second send before the reply", f.refused, equals(["EFSM"])],
    ["replies", f.replies, atLeast(40)],
    ["replies in request order", f.repliesInOrder, equals(true)],
    ["each request sent only after the previous reply", f.lockstep, equals(true)],
    ["unexpected replies", f.unexpected, equals(0)],
  ],
})
