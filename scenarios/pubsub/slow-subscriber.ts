// PUB/SUB: a subscriber slower than the publisher. Its queue fills up to the
// high-water mark, then the publisher drops messages for it; the publisher's
// own rate holds.
import { asRanges, count, events, fanOut, gapsLogged, parseIds, rate, sentUpTo } from "../runner/checkers.js"
import { agree, atLeast, equals, scenario, sleep, waitFor } from "../runner/dsl.js"

const RATE = 200

export default scenario({
  name: "pubsub-slow-subscriber",
  claim: "For a subscriber slower than the publisher, messages pile up to the high-water mark, then the publisher drops them; its own rate holds.",
  note: "Messages do pile up for a slow subscriber, but only to the high-water marks (send and receive side, plus the kernel's TCP buffers), then the publisher silently drops; the subscriber sees the drops as gaps.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE), PUBSUB_PAYLOAD_BYTES: "16000", PUBSUB_PROCESS_MS: "20", SEND_HWM: "100", RECEIVE_HWM: "100", LOG_MESSAGES: "true" },
  timeline: [waitFor("pubsub-subscriber", "received"), waitFor("pubsub-subscriber", "gap", { timeoutMs: 30_000 }), sleep(3000)],
  figures: history => {
    // The subscriber can only name a drop it has seen past: up to its last message.
    const lastSeq = Math.max(0, ...events(history, "pubsub-subscriber", "received").map(e => e.seq as number))
    const seen = fanOut(sentUpTo(history, "pubsub-publisher", lastSeq), { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
    const logged = gapsLogged(history, "pubsub-subscriber")
    return {
      published: seen?.sent ?? 0,
      received: seen?.received ?? 0,
      dropped: seen?.lost ?? 0,
      droppedIdsLoggedAndCounted: [asRanges(logged), asRanges(parseIds(seen?.lostIds ?? ""))],
      whole: fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" }) ?? null,
      publisherRate: rate(history, "pubsub-publisher", "sent"),
      subscriberRate: rate(history, "pubsub-subscriber", "received"),
      firstDropAfterMs: (events(history, "pubsub-subscriber", "gap")[0]?.t ?? 0) - (events(history, "pubsub-subscriber", "received")[0]?.t ?? 0),
      duplicated: (seen?.duplicated ?? 0) + count(history, "pubsub-subscriber", "duplicate"),
    }
  },
  checks: f => [
    ["dropped for the slow subscriber", f.dropped, atLeast(1)],
    ["dropped seqs (logged as gaps, recounted)", f.droppedIdsLoggedAndCounted, agree],
    ["publisher rate (per s)", f.publisherRate, atLeast(RATE * 0.9)],
    ["duplicated", f.duplicated, equals(0)],
  ],
})
