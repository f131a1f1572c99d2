// PUB/SUB: with no subscriber at all, the publisher drops every message and
// never blocks: its send rate holds.
import { count, events, lastStats, rate } from "./runner/checkers.js"
import { atLeast, equals, scenario, sleep, waitFor } from "./runner/dsl.js"

const RATE = 200

export default scenario({
  name: "ps-no-subscriber",
  claim: "With no subscriber, the publisher drops everything and never blocks: its send rate holds.",
  services: ["pubsub-publisher"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [waitFor("pubsub-publisher", "sent"), sleep(5000)],
  figures: history => ({
    sent: count(history, "pubsub-publisher", "sent"),
    sendRate: rate(history, "pubsub-publisher", "sent"),
    subscriptions: lastStats(history, "pubsub-publisher")?.subscriptions ?? null,
    slowestSendGapMs: Math.max(0, ...events(history, "pubsub-publisher", "sent").map((e, i, all) => (i === 0 ? 0 : e.t - all[i - 1]!.t))),
  }),
  checks: f => [
    ["messages sent in 5 s", f.sent, atLeast(RATE * 5 * 0.9)],
    ["send rate (per s)", f.sendRate, atLeast(RATE * 0.95)],
    ["subscriptions", f.subscriptions, equals(0)],
  ],
})
