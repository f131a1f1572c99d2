// Chapter 4's requester loop: five requests sent at once are answered by the
// REP filer one at a time, in order.
import { events } from "../runner/checkers.js"
import { equals, run, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "book-filer-lockstep",
  claim: "Five requests queued at once are answered one at a time, in order.",
  note: "The book's REQ socket queued all five; a zeromq 6 REQ refuses a second send before its reply (reqrep-lockstep), so the loop sends them on a DEALER. The REP side is unchanged: strictly one request, then its reply.",
  services: ["book-filer-rep"],
  timeline: [waitFor("book-filer-rep", "listening", { from: "start" }), run("book-filer-req-loop")],
  figures: history => {
    const answered = events(history, "book-filer-req-loop", "received").map(e => (e.inReplyTo as { seq: number }).seq)
    // The filer's own lines for the loop's requests: received, sent, received, sent, ... five times.
    const steps = history.filter(e => e.service === "book-filer-rep" && (e.event === "received" || e.event === "sent")).map(e => e.event)
    return {
      replyOrder: answered,
      filerSteps: steps.join(" "),
    }
  },
  checks: f => [
    ["replies answer requests", f.replyOrder, equals([1, 2, 3, 4, 5])],
    ["the filer received each request only after replying to the previous", f.filerSteps, equals(Array.from({ length: 5 }, () => "received sent").join(" "))],
  ],
})
