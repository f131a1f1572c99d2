// PUB/SUB: the first messages. A subscriber started before its publisher, so
// connected and subscribed in good time, still misses the first messages: its
// subscription reaches the publisher after them (the slow joiner). And a
// subscriber whose subscription is in place before the first message, then
// cut off, loses the first ones on the way. Either way they are counted, as
// "before join" or as lost, and never as 0 because they came before the first
// message the subscriber saw.
import { asRanges, events, fanOut, gapsLogged, parseIds } from "../runner/checkers.js"
import { agree, atLeast, connect, disconnect, equals, scenario, up, waitFor, type Variant } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const SUB = "pubsub-subscriber"
const HEARTBEATS = { HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: "1500" }

const variants: Variant[] = [
  {
    name: "slow-joiner",
    // The subscriber first: it connects (and retries every 500 ms) until the publisher is there.
    services: [SUB],
    env: { PUBSUB_RATE: "200" },
    serviceEnv: { [SUB]: { RECONNECT_IVL_MS: "500" } },
    timeline: [waitFor(SUB, "connecting", { from: "start" }), up("pubsub-publisher"), waitFor(SUB, "received", { count: 20 })],
  },
  {
    name: "cut-after-join",
    // The publisher waits 4 s before its first message: time to see the
    // subscription in place, then cut the subscriber off.
    services: [SUB, "pubsub-publisher"],
    env: { PUBSUB_RATE: "20", PUBSUB_START_DELAY_MS: "4000" },
    serviceEnv: { [SUB]: HEARTBEATS },
    timeline: [
      waitFor("pubsub-publisher", "subscriber-joined", { where: e => e.subscriber === SUB, from: "start" }),
      disconnect(SUB),
      waitFor("pubsub-publisher", "sent", { count: 40, timeoutMs: 20_000 }),
      connect(SUB),
      waitFor(SUB, "received", { count: 20, timeoutMs: 20_000 }),
    ],
  },
]

function figuresOf(history: History) {
  const stream = fanOut(history, { producer: "pubsub-publisher", consumer: SUB })
  return {
    stream: stream ?? null,
    joinedAfter: stream ? (Object.values(stream.joinedAfter)[0] ?? null) : null,
    firstSeqReceived: (events(history, SUB, "received")[0]?.seq as number | undefined) ?? null,
    beforeJoinLogged: (events(history, SUB, "joined")[0]?.beforeJoin as number | undefined) ?? null,
    lostLogged: asRanges(gapsLogged(history, SUB)),
    lostCounted: asRanges(parseIds(stream?.lostIds ?? "")),
    firstLost: parseIds(stream?.lostIds ?? "")[0] ?? null,
  }
}

export default scenario({
  name: "pubsub-first-messages",
  claim: "A subscriber started before its publisher receives every message from the first one.",
  note: "It does not: its subscription reaches the publisher after the first messages, which PUB drops for lack of a subscriber (the slow joiner). They are counted as sent before its join, not hidden because they came before the first message it saw. A subscriber whose subscription was in place before the first message and that was then cut off loses the first messages: counted as lost, by seq.",
  variants,
  figures: history => ({
    slowJoiner: figuresOf(history.filter(e => e.variant === "slow-joiner")),
    cutAfterJoin: figuresOf(history.filter(e => e.variant === "cut-after-join")),
  }),
  checks: f => [
    ["slow joiner: first seq it received", f.slowJoiner.firstSeqReceived, atLeast(2)],
    ["slow joiner: sent before its subscription was in place", f.slowJoiner.stream?.beforeJoin ?? null, atLeast(1)],
    ["slow joiner: before join (logged by it, recounted)", [f.slowJoiner.beforeJoinLogged, f.slowJoiner.stream?.beforeJoin ?? null], agree],
    ["slow joiner: lost once joined", f.slowJoiner.stream?.lost ?? null, equals(0)],
    ["cut after join: subscription in place after seq", f.cutAfterJoin.joinedAfter, equals(0)],
    ["cut after join: first seq it received", f.cutAfterJoin.firstSeqReceived, atLeast(2)],
    ["cut after join: lost", f.cutAfterJoin.stream?.lost ?? null, atLeast(1)],
    ["cut after join: first seq lost", f.cutAfterJoin.firstLost, equals(1)],
    ["cut after join: lost seqs (logged as gaps, recounted)", [f.cutAfterJoin.lostLogged, f.cutAfterJoin.lostCounted], agree],
  ],
})
