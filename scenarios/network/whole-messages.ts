// Transport: ZeroMQ delivers a multipart message whole or not at all, from one
// byte to 10 MiB: never a part of one.
import { count, events, fanOut, sentUpTo } from "../runner/checkers.js"
import { atLeast, equals, same, scenario, waitFor } from "../runner/dsl.js"
import type { HistoryEvent } from "../runner/history.js"
import type { Check } from "../runner/dsl.js"

const SIZES = [1, 1024, 65_536, 1_048_576, 10_485_760]

export default scenario({
  name: "network-whole-messages",
  claim: "Multipart messages from 1 B to 10 MiB arrive whole or not at all, never partial.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  // Each message announces its padding's length; the subscriber checks it (a cut one is a bad-message).
  env: { PUBSUB_RATE: "5", PUBSUB_PAYLOAD_BYTES: SIZES.join(","), MAX_MESSAGE_BYTES: String(16 * 1_048_576) },
  timeline: [waitFor("pubsub-subscriber", "received", { count: 3 * SIZES.length })],
  figures: history => {
    const seqs = events(history, "pubsub-subscriber", "received").map(e => e.seq as number)
    // From the subscriber's first message to its last: what it could have had.
    const inWindow = (e: HistoryEvent) => (e.seq as number) >= Math.min(...seqs) && (e.seq as number) <= Math.max(...seqs)
    const got = fanOut(sentUpTo(history, "pubsub-publisher", Math.max(...seqs)), { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
    const bySize = Object.fromEntries(
      SIZES.map(size => [
        size,
        {
          sent: count(history, "pubsub-publisher", "sent", e => e.payloadBytes === size && inWindow(e)),
          whole: count(history, "pubsub-subscriber", "received", e => e.payloadBytes === size),
        },
      ]),
    )
    return { bySize, partial: count(history, "pubsub-subscriber", "bad-message"), lost: got?.lost ?? null, received: got?.received ?? null }
  },
  checks: f => [
    ...SIZES.flatMap(
      size =>
        [
          [`${size} B: arrived whole, sent`, [f.bySize[size]!.whole, f.bySize[size]!.sent], same("whole = sent")],
          [`${size} B: arrived whole`, f.bySize[size]!.whole, atLeast(1)],
        ] as Check[],
    ),
    ["partial messages", f.partial, equals(0)],
    ["lost once joined", f.lost, equals(0)],
  ],
})
