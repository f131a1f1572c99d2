// Network: 30 % of the subscriber's packets dropped, both ways, for 10 s. TCP
// retransmits what it loses: the application loses nothing; what changes is
// the time a message takes (retransmission timeouts start at 200 ms).
import { percentile } from "../../shared/accounting.js"
import { actionTime, events, fanOut, gapsLogged } from "../runner/checkers.js"
import { atLeast, equals, fault, heal, reported, scenario, sleep, waitFor } from "../runner/dsl.js"

const RATE = 20
const LOSS_MS = 10_000
/** A message this fresh is not one of the retransmitted backlog. */
const CAUGHT_UP_MS = 100

export default scenario({
  name: "network-loss-tcp",
  claim: "30 % packet loss on a subscriber's link loses no message: TCP retransmits; only the latency changes.",
  note: "Measured: the messages sent during the loss arrive, late (p99 latency rises from a few ms to hundreds: TCP's retransmission timeout), none is lost.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 40 }),
    fault("pubsub-subscriber", { kind: "loss", pct: 30 }),
    sleep(LOSS_MS),
    heal("pubsub-subscriber"),
    // Caught up: TCP delivers in order, so a message that arrives fresh comes
    // after every one still being retransmitted (backed off, that can take
    // seconds after the heal). Stopping the publisher sooner would drop them
    // with its queue, and count as lost what was only late.
    waitFor("pubsub-subscriber", "received", { where: e => (e.latencyMs as number) < CAUGHT_UP_MS, from: "now", timeoutMs: 60_000 }),
  ],
  figures: history => {
    const from = actionTime(history, "fault", "pubsub-subscriber") ?? 0
    const to = actionTime(history, "heal", "pubsub-subscriber") ?? Number.POSITIVE_INFINITY
    const latency = (when: (t: number) => boolean) => {
      const values = events(history, "pubsub-subscriber", "received", e => when(e.t) && typeof e.latencyMs === "number").map(e => e.latencyMs as number)
      return { p50: percentile(values, 50), p99: percentile(values, 99), messages: values.length }
    }
    const stream = fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
    const sentDuring = events(history, "pubsub-publisher", "sent", e => e.t >= from && e.t < to).length
    return {
      sent: stream?.sent ?? 0,
      lost: stream?.lost ?? null,
      gapsLogged: gapsLogged(history, "pubsub-subscriber").length,
      sentDuringLoss: sentDuring,
      latencyBefore: latency(t => t < from),
      latencyDuringLoss: latency(t => t >= from && t < to),
    }
  },
  checks: f => [
    ["messages sent during the loss", f.sentDuringLoss, atLeast((LOSS_MS / 1000) * RATE * 0.8)],
    ["lost (recounted)", f.lost, equals(0)],
    ["gaps the subscriber logged", f.gapsLogged, equals(0)],
    ["latency p50 / p99 before (ms)", [f.latencyBefore.p50, f.latencyBefore.p99], reported],
    ["latency p99 during the loss (ms)", f.latencyDuringLoss.p99, atLeast(100)],
  ],
})
