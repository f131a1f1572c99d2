// Chapter 4's error-handling exercise: every bad request to the filer gets an
// error reply, and the filer goes on serving.
import { count, events } from "../runner/checkers.js"
import { equals, run, scenario, waitFor } from "../runner/dsl.js"

const REQ = "book-filer-req"
const badPathType = JSON.stringify({ v: 1, producer: REQ, incarnation: "raw", seq: 1, sentAt: 0, body: { path: 42 } })

export default scenario({
  name: "book-filer-errors",
  claim:
    "A missing or unreadable file, a path outside the served folder, and a malformed request each get an error reply, and the filer is still serving afterwards.",
  services: ["book-filer-rep"],
  timeline: [
    waitFor("book-filer-rep", "listening", { from: "start" }),
    run(REQ, "node", "dist/services/book/filer-req.js", "no-such-file.txt"),
    run(REQ, "node", "dist/services/book/filer-req.js", "secret.txt"),
    run(REQ, "node", "dist/services/book/filer-req.js", "../../../etc/passwd"),
    run(REQ, "node", "dist/services/book/filer-req.js", "--raw", badPathType),
    run(REQ, "node", "dist/services/book/filer-req.js", "--raw", "this is not json"),
    run(REQ, "node", "dist/services/book/filer-req.js", "greeting.txt"),
  ],
  figures: history => {
    const replies = events(history, REQ, "received").map(e => e.body as { error?: { code: string }; content?: string })
    return {
      codes: replies.map(body => body.error?.code ?? "content"),
      lastReplyHasContent: typeof replies.at(-1)?.content === "string",
      filerCrashes: count(history, "book-filer-rep", "crash") + count(history, "book-filer-rep", "shutdown", e => e.reason !== "SIGTERM"),
      badMessagesLogged: count(history, "book-filer-rep", "bad-message"),
    }
  },
  checks: f => [
    ["error codes, in order", f.codes.slice(0, 5), equals(["not-found", "unreadable", "outside-root", "bad-request", "bad-message"])],
    ["a good request afterwards is served", f.lastReplyHasContent, equals(true)],
    ["filer crashes", f.filerCrashes, equals(0)],
  ],
})
