// Network: the same half-open link (the subscriber blackholed for 8 s), found
// by TCP_MAXRT instead of heartbeats. Only the side with data waiting to be
// acknowledged finds it: the publisher, whose messages go unacknowledged,
// drops the connection after about TCP_MAXRT_MS; the subscriber, which sends
// nothing, does not notice at all.
import { actionTime, count, firstAfter } from "../runner/checkers.js"
import { below, equals, fault, heal, reported, scenario, sleep, waitFor } from "../runner/dsl.js"

const MAXRT_MS = 2000

export default scenario({
  name: "network-tcp-maxrt",
  claim: "TCP_MAXRT finds a half-open link without heartbeats: the side that sends drops the connection after about TCP_MAXRT_MS.",
  note: "Only the sending side: the subscriber, which sends nothing, never notices, and after the heal it waits on a connection its publisher has dropped. TCP_MAXRT is no replacement for heartbeats on a receiving socket.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20", TCP_MAXRT_MS: String(MAXRT_MS) },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 40 }),
    fault("pubsub-subscriber", { kind: "blackhole" }),
    waitFor("pubsub-publisher", "socket.disconnect", { timeoutMs: 20_000 }),
    sleep(2000),
    heal("pubsub-subscriber"),
    // What the subscriber does in the 5 s after the heal is the figure: this span is the experiment's input.
    sleep(5000),
  ],
  figures: history => {
    const cutAt = actionTime(history, "fault", "pubsub-subscriber")
    const healAt = actionTime(history, "heal", "pubsub-subscriber")
    const dropped = firstAfter(history, cutAt, e => e.service === "pubsub-publisher" && e.event === "socket.disconnect")
    return {
      publisherDroppedAfterMs: dropped && cutAt !== undefined ? dropped.t - cutAt : null,
      subscriberDisconnects: count(history, "pubsub-subscriber", "socket.disconnect", e => cutAt !== undefined && e.t >= cutAt),
      subscriberReceivedAfterHeal: count(history, "pubsub-subscriber", "received", e => healAt !== undefined && e.t > healAt),
    }
  },
  checks: f => [
    ["publisher dropped the connection after (ms)", f.publisherDroppedAfterMs, below(MAXRT_MS + 3000)],
    ["subscriber noticed (disconnects)", f.subscriberDisconnects, equals(0)],
    ["subscriber received in the 5 s after the heal", f.subscriberReceivedAfterHeal, reported],
  ],
})
