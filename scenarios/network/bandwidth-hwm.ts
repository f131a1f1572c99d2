// Network: the publisher's link capped at 256 kbit/s while it publishes 4 KiB
// messages at 200 per second (800 KB/s). Its queue for the subscriber fills
// (TCP's buffers, then SEND_HWM), and PUB drops what does not fit, silently for
// the publisher; the subscriber's gaps count every one. With XPUB_NODROP the
// publisher waits instead: it publishes at the link's pace and loses nothing.
import { actionTime, asRanges, events, fanOut, gapsLogged, ofVariant, parseIds } from "../runner/checkers.js"
import { agree, atLeast, below, equals, fault, heal, reported, scenario, sleep, waitFor, type Variant } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const CAP_MS = 12_000
const RATE = 200

const variant = (name: string, noDrop: boolean): Variant => ({
  name,
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE), PUBSUB_PAYLOAD_BYTES: "4096", SEND_HWM: "100", RECEIVE_HWM: "100", LOG_MESSAGES: "true" },
  serviceEnv: { "pubsub-publisher": { XPUB_NODROP: String(noDrop) } },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 100 }),
    fault("pubsub-publisher", { kind: "bandwidth", rate: "256kbit" }),
    sleep(CAP_MS),
    heal("pubsub-publisher"),
    waitFor("pubsub-subscriber", "received", { count: 100, timeoutMs: 60_000 }),
  ],
})

function figuresOf(history: History) {
  const from = actionTime(history, "fault", "pubsub-publisher") ?? 0
  const to = actionTime(history, "heal", "pubsub-publisher") ?? Number.POSITIVE_INFINITY
  const stream = fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
  const lost = parseIds(stream?.lostIds ?? "")
  return {
    sentPerSecondDuringCap: Math.round(events(history, "pubsub-publisher", "sent", e => e.t >= from && e.t < to).length / (Math.max(1, to - from) / 1000)),
    sent: stream?.sent ?? 0,
    lost: lost.length,
    lostLoggedAndCounted: [asRanges(gapsLogged(history, "pubsub-subscriber")), asRanges(lost)],
  }
}

export default scenario({
  name: "network-bandwidth-hwm",
  claim:
    "A publisher faster than its link fills the subscriber's queue and PUB drops the rest, counted by the subscriber; with XPUB_NODROP it waits instead and nothing is lost.",
  variants: [variant("drop", false), variant("no-drop", true)],
  figures: history => ({ drop: figuresOf(ofVariant(history, "drop")), noDrop: figuresOf(ofVariant(history, "no-drop")) }),
  checks: f => [
    ["drop: published per second under the cap", f.drop.sentPerSecondDuringCap, atLeast(RATE * 0.75)],
    ["drop: lost (recounted)", f.drop.lost, atLeast(1)],
    ["drop: lost seqs (logged as gaps, recounted)", f.drop.lostLoggedAndCounted, agree],
    ["no-drop: lost (recounted)", f.noDrop.lost, equals(0)],
    ["no-drop: published per second under the cap", f.noDrop.sentPerSecondDuringCap, below(RATE / 2)],
    ["sent / lost, drop vs no-drop", `${f.drop.sent} / ${f.drop.lost} vs ${f.noDrop.sent} / ${f.noDrop.lost}`, reported],
  ],
})
