// PUB/SUB: a subscriber slower than the publisher. Its queue fills up to the
// high-water mark, then the publisher drops messages for it; the publisher's
// own rate holds.
import { count, delivery, events, rate } from "./runner/checkers.js"
import { agree, atLeast, equals, scenario, sleep, waitFor } from "./runner/dsl.js"

const RATE = 200

export default scenario({
  name: "ps-slow-subscriber",
  claim: "For a subscriber slower than the publisher, messages pile up to the high-water mark, then the publisher drops them; its own rate holds.",
  note: "Messages do pile up for a slow subscriber, but only to the high-water marks (send and receive side, plus the kernel's TCP buffers), then the publisher silently drops; the subscriber sees the drops as gaps.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE), PUBSUB_PAYLOAD_BYTES: "16000", PUBSUB_PROCESS_MS: "20", SEND_HWM: "100", RECEIVE_HWM: "100", LOG_MESSAGES: "true" },
  timeline: [waitFor("pubsub-subscriber", "received"), waitFor("pubsub-subscriber", "gap", { timeoutMs: 30_000 }), sleep(3000)],
  figures: history => {
    // Only what the subscriber could have had by its last message: the backlog
    // still queued when the run stops is not a drop.
    const lastSeq = Math.max(0, ...events(history, "pubsub-subscriber", "received").map(e => e.seq as number))
    const got = delivery(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber", sentWhere: e => (e.seq as number) <= lastSeq })
    const gapsLogged = events(history, "pubsub-subscriber", "gap").reduce((sum, e) => sum + (e.count as number), 0)
    return {
      published: got.sent,
      received: got.received,
      dropped: got.lost,
      droppedLogged: gapsLogged,
      publisherRate: rate(history, "pubsub-publisher", "sent"),
      subscriberRate: rate(history, "pubsub-subscriber", "received"),
      firstDropAfterMs: (events(history, "pubsub-subscriber", "gap")[0]?.t ?? 0) - (events(history, "pubsub-subscriber", "received")[0]?.t ?? 0),
      duplicated: got.duplicated + count(history, "pubsub-subscriber", "duplicate"),
    }
  },
  checks: f => [
    ["dropped for the slow subscriber", f.dropped, atLeast(1)],
    ["drops (logged as gaps, counted)", [f.droppedLogged, f.dropped], agree],
    ["publisher rate (per s)", f.publisherRate, atLeast(RATE * 0.9)],
    ["duplicated", f.duplicated, equals(0)],
  ],
})
