// Network: the same 30 % packet loss as network-loss-tcp, on PUB/SUB over UDP
// (RADIO/DISH, zeromq's draft sockets). Nothing retransmits: about 30 % of
// the messages sent during the loss never arrive, and the dish's own view
// names each one, as the recount does.
import { actionTime, asRanges, events, fanOut, gapsLogged, parseIds } from "../runner/checkers.js"
import { agree, between, equals, fault, heal, reported, scenario, sleep, up, waitFor } from "../runner/dsl.js"

const RATE = 50
const LOSS_MS = 10_000

export default scenario({
  name: "network-loss-udp",
  claim: "30 % packet loss on a UDP link (RADIO/DISH) loses about 30 % of the messages sent meanwhile, each one counted; none outside it.",
  note: "Side by side with network-loss-tcp: the same loss costs TCP only time, UDP the messages themselves.",
  services: ["pubsub-dish"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [
    waitFor("pubsub-dish", "listening", { from: "start" }),
    up("pubsub-radio"),
    waitFor("pubsub-dish", "received", { count: 50 }),
    fault("pubsub-dish", { kind: "loss", pct: 30, direction: "in" }),
    sleep(LOSS_MS),
    heal("pubsub-dish"),
    waitFor("pubsub-dish", "received", { count: 50 }),
  ],
  figures: history => {
    const from = actionTime(history, "fault", "pubsub-dish") ?? 0
    const to = actionTime(history, "heal", "pubsub-dish") ?? Number.POSITIVE_INFINITY
    const stream = fanOut(history, { producer: "pubsub-radio", consumer: "pubsub-dish" })
    const sentAt = new Map(events(history, "pubsub-radio", "sent").map(e => [e.seq as number, e.t]))
    const lost = parseIds(stream?.lostIds ?? "")
    // A datagram sent just before the rule was in place may meet it: the helper's start is the margin.
    const inside = (seq: number) => (sentAt.get(seq) ?? 0) >= from - 1000 && (sentAt.get(seq) ?? 0) <= to
    const sentDuring = [...sentAt.values()].filter(t => t >= from && t <= to).length
    return {
      sent: stream?.sent ?? 0,
      sentDuringLoss: sentDuring,
      lost: lost.length,
      lostShareDuringLoss: sentDuring > 0 ? Math.round((lost.filter(inside).length / sentDuring) * 100) / 100 : null,
      lostOutside: lost.filter(seq => !inside(seq)),
      lostLoggedAndCounted: [asRanges(gapsLogged(history, "pubsub-dish")), asRanges(lost)],
    }
  },
  checks: f => [
    ["messages sent during the loss", f.sentDuringLoss, between((LOSS_MS / 1000) * RATE * 0.8, (LOSS_MS / 1000) * RATE * 1.2)],
    ["share of them lost", f.lostShareDuringLoss, between(0.15, 0.45)],
    ["lost outside the loss", f.lostOutside.length, equals(0)],
    ["lost seqs (logged as gaps, recounted)", f.lostLoggedAndCounted, agree],
    ["lost / sent in all", `${f.lost} / ${f.sent}`, reported],
  ],
})
