// Network: the subscriber's link blackholed for 8 s (every packet dropped, no
// reset: a half-open connection). Without heartbeats neither side notices:
// the connection stays "up", messages wait in TCP's queues and arrive after
// the heal. With ZMTP heartbeats the subscriber notices within about the
// timeout, drops the connection and makes a new one once the link is back;
// what was published meanwhile is lost to it, counted.
import { actionSpan, count, fanOut, firstAfter, ofVariant } from "../runner/checkers.js"
import { atLeast, below, equals, fault, heal, scenario, sleep, waitFor } from "../runner/dsl.js"

const RATE = 20
const BLACKHOLE_MS = 8000
const HEARTBEAT_TIMEOUT_MS = 2000
const timeline = [
  waitFor("pubsub-subscriber", "received", { count: 40 }),
  fault("pubsub-subscriber", { kind: "blackhole" }),
  sleep(BLACKHOLE_MS),
  heal("pubsub-subscriber"),
  waitFor("pubsub-subscriber", "received", { count: 40 }),
]

function figuresOf(history: ReturnType<typeof ofVariant>) {
  // From the start of each command: the rules change while its helper container runs.
  const cutAt = actionSpan(history, "fault", "pubsub-subscriber")?.from
  const healAt = actionSpan(history, "heal", "pubsub-subscriber")?.from
  const noticed = firstAfter(history, cutAt, e => e.service === "pubsub-subscriber" && e.event === "socket.disconnect")
  const reconnected = firstAfter(history, healAt, e => e.service === "pubsub-subscriber" && e.event === "socket.connect")
  const stream = fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
  return {
    disconnectsWhileCut: count(
      history,
      "pubsub-subscriber",
      "socket.disconnect",
      e => cutAt !== undefined && healAt !== undefined && e.t >= cutAt && e.t <= healAt,
    ),
    noticedAfterMs: noticed && cutAt !== undefined && healAt !== undefined && noticed.t <= healAt ? noticed.t - cutAt : null,
    reconnectedAfterHealMs: reconnected && healAt !== undefined ? reconnected.t - healAt : null,
    lost: stream?.lost ?? null,
  }
}

export default scenario({
  name: "network-half-open",
  claim:
    "A blackholed link (no reset) goes unnoticed without heartbeats; with ZMTP heartbeats the subscriber notices within about the timeout and reconnects after the heal.",
  note: "Without heartbeats nothing is lost here: the connection survives the 8 s, and TCP delivers what waited once the link is back. A longer cut, or a peer that is really gone, leaves the subscriber waiting in silence for TCP's own timeout (about 15 min).",
  variants: [
    { name: "no-heartbeats", services: ["pubsub-publisher", "pubsub-subscriber"], env: { PUBSUB_RATE: String(RATE) }, timeline },
    {
      name: "heartbeats",
      services: ["pubsub-publisher", "pubsub-subscriber"],
      env: { PUBSUB_RATE: String(RATE), HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS) },
      timeline,
    },
  ],
  figures: history => ({ noHeartbeats: figuresOf(ofVariant(history, "no-heartbeats")), heartbeats: figuresOf(ofVariant(history, "heartbeats")) }),
  checks: f => [
    ["no heartbeats: disconnects noticed while cut off", f.noHeartbeats.disconnectsWhileCut, equals(0)],
    ["no heartbeats: lost (recounted)", f.noHeartbeats.lost, equals(0)],
    ["heartbeats: cut noticed after (ms)", f.heartbeats.noticedAfterMs, below(HEARTBEAT_TIMEOUT_MS + 1500)],
    ["heartbeats: reconnected after the heal (ms)", f.heartbeats.reconnectedAfterHealMs, below(3000)],
    ["heartbeats: lost while cut off (recounted)", f.heartbeats.lost, atLeast(1)],
  ],
})
