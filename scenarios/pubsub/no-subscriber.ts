// PUB/SUB: with no subscriber at all, the publisher drops every message and
// never blocks: its send rate holds, and a subscriber that comes later gets
// nothing of what was sent before it.
import { events, fanOut, rate } from "../runner/checkers.js"
import { atLeast, below, equals, scenario, sleep, up, waitFor } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const RATE = 200
const ALONE_MS = 5000
const LATER = "pubsub-subscriber"

export default scenario({
  name: "pubsub-no-subscriber",
  claim: "With no subscriber, the publisher drops everything and never blocks: its send rate holds.",
  note: "Dropped at once, not kept: a subscriber that connects afterwards receives nothing sent before it was there.",
  services: ["pubsub-publisher"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [waitFor("pubsub-publisher", "sent"), sleep(ALONE_MS), up(LATER), waitFor(LATER, "received", { count: 20 })],
  figures: history => {
    // Alone until the subscriber's container was being started (the action's start, not its end).
    const upAction = history.find(e => e.service === "runner" && e.event === "action" && e.action === "up" && e.target === LATER)
    const joinedAt = (upAction?.startedAt as number | undefined) ?? Number.POSITIVE_INFINITY
    const alone: History = history.filter(e => e.t < joinedAt)
    const sendTimes = events(alone, "pubsub-publisher", "sent").map(e => e.t)
    const later = fanOut(history, { producer: "pubsub-publisher", consumer: LATER })
    return {
      sentAlone: sendTimes.length,
      sendRateAlone: rate(alone, "pubsub-publisher", "sent"),
      longestPauseBetweenSendsMs: Math.max(0, ...sendTimes.map((t, i) => (i === 0 ? 0 : t - sendTimes[i - 1]!))),
      subscriptionsAlone: Math.max(0, ...events(alone, "pubsub-publisher", "stats").map(e => e.subscriptions as number)),
      receivedLaterOfWhatWasSentAlone: events(history, LATER, "received", e => (e.seq as number) <= sendTimes.length).length,
      later: later ?? null,
    }
  },
  checks: f => [
    [`messages sent in ${ALONE_MS / 1000} s alone`, f.sentAlone, atLeast(RATE * (ALONE_MS / 1000) * 0.9)],
    ["send rate alone (per s)", f.sendRateAlone, atLeast(RATE * 0.95)],
    ["longest pause between two sends (ms)", f.longestPauseBetweenSendsMs, below(500)],
    ["subscriptions while alone", f.subscriptionsAlone, equals(0)],
    ["of those, received by a subscriber that came later", f.receivedLaterOfWhatWasSentAlone, equals(0)],
  ],
})
