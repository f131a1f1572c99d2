// ROUTER/DEALER: a second client connects with the routing identity the first
// one already has. Without ROUTER_HANDOVER the broker's ROUTER ignores the
// newcomer: its requests go nowhere. With it, the newcomer takes the identity
// over: from then on the replies for that identity go to it.
import { count, foreignReplies, ofVariant } from "../runner/checkers.js"
import { atLeast, equals, reported, scenario, sleep, up, waitFor, type Variant } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const FIRST = "router-dealer-client"
const SECOND = "router-dealer-client-2"
const IDENTITY = "the-same-client"

const variant = (name: string, handover: boolean): Variant => ({
  name,
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", FIRST],
  env: { ROUTER_DEALER_CLIENT_IDENTITY: IDENTITY, ROUTER_DEALER_TIMEOUT_MS: "1500" },
  serviceEnv: { "router-dealer-broker": { ROUTER_HANDOVER: String(handover) } },
  extraServices: { [SECOND]: { like: FIRST } },
  timeline: [
    waitFor(FIRST, "received", { count: 10 }),
    up(SECOND),
    // Both clients run side by side for this long: the experiment's input.
    sleep(6000),
  ],
})

function figuresOf(history: History) {
  const joinedAt = history.find(e => e.service === "runner" && e.event === "action" && e.action === "up")?.t ?? Number.POSITIVE_INFINITY
  return {
    firstAnsweredAfter: count(history, FIRST, "received", e => e.t > joinedAt),
    secondAnswered: count(history, SECOND, "received"),
    secondTimeouts: count(history, SECOND, "timeout"),
    foreignReplies: foreignReplies(history, FIRST) + foreignReplies(history, SECOND),
  }
}

export default scenario({
  name: "router-dealer-handover",
  claim: "A second client with an identity in use is ignored by a ROUTER; with ROUTER_HANDOVER it takes the identity over, and the replies with it.",
  variants: [variant("no-handover", false), variant("handover", true)],
  figures: history => ({ noHandover: figuresOf(ofVariant(history, "no-handover")), handover: figuresOf(ofVariant(history, "handover")) }),
  checks: f => [
    ["no handover: the newcomer answered", f.noHandover.secondAnswered, equals(0)],
    ["no handover: the newcomer's timeouts", f.noHandover.secondTimeouts, atLeast(1)],
    ["no handover: the first client still answered", f.noHandover.firstAnsweredAfter, atLeast(1)],
    ["handover: the newcomer answered", f.handover.secondAnswered, atLeast(1)],
    ["handover: first answered after / replies for another client", `${f.handover.firstAnsweredAfter} / ${f.handover.foreignReplies}`, reported],
  ],
})
