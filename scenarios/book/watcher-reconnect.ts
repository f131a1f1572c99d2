// Chapter 4's point about auto-reconnecting endpoints: kill the watcher's
// publisher, change the file, start the publisher again, change the file
// again: the subscriber, never restarted, prints the second change.
import { count, events } from "../runner/checkers.js"
import { equals, kill, run, scenario, start, waitFor } from "../runner/dsl.js"

const SUB = "book-watcher-sub"

export default scenario({
  name: "book-watcher-reconnect",
  claim:
    "A watcher subscriber prints a change made after its publisher was killed and started again, without being restarted itself; no change is printed twice.",
  note: "The change made while the publisher is down is never printed: nobody was watching the file then.",
  services: ["book-watcher-pub", SUB],
  timeline: [
    waitFor(SUB, "socket.handshake", { from: "start" }),
    run("book-touch"),
    waitFor(SUB, "received"),
    kill("book-watcher-pub"),
    run("book-touch"),
    start("book-watcher-pub"),
    waitFor("book-watcher-pub", "watching"),
    waitFor(SUB, "socket.handshake"),
    run("book-touch"),
    waitFor(SUB, "received"),
  ],
  figures: history => {
    const printed = events(history, SUB, "received")
    return {
      changesMade: count(history, "runner", "action", e => e.action === "run" && e.target === "book-touch"),
      printed: printed.length,
      printedTwice: printed.length - new Set(printed.map(e => `${e.incarnation as string}:${e.seq as number}`)).size,
      publisherRestartsSeen: count(history, SUB, "producer-restart"),
      subscriberStarts: count(history, SUB, "connecting"),
      lines: printed.map(e => e.message),
    }
  },
  checks: f => [
    ["changes made (one while the publisher was down)", f.changesMade, equals(3)],
    ["changes printed by the subscriber", f.printed, equals(2)],
    ["printed twice", f.printedTwice, equals(0)],
    ["the subscriber saw the new publisher", f.publisherRestartsSeen, equals(1)],
    ["subscriber restarts", f.subscriberStarts - 1, equals(0)],
  ],
})
