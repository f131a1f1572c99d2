// PUB/SUB: a subscriber that joins late misses what was published before its
// subscription was in place, and nothing afterwards.
import { events, fanOut } from "../runner/checkers.js"
import { agree, between, equals, scenario, sleep, up, waitFor } from "../runner/dsl.js"

const RATE = 20
const LATE_MS = 5000
const LATE = "pubsub-late-subscriber"

export default scenario({
  name: "pubsub-late-joiner",
  claim: `A subscriber started ${LATE_MS / 1000} s after the publisher misses the first messages (about ${LATE_MS / 1000} s × the rate) and nothing afterwards.`,
  note: "The late joiner also misses what is published while its container starts and connects, so it misses a little more than 5 s × the rate. The publisher tells it after which seq its subscription was in place: those are before join, never counted as lost.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [waitFor("pubsub-publisher", "sent"), sleep(LATE_MS), up(LATE), waitFor(LATE, "received", { count: 60 })],
  figures: history => {
    const late = fanOut(history, { producer: "pubsub-publisher", consumer: LATE })
    return {
      firstSeq: (events(history, LATE, "received")[0]?.seq as number | undefined) ?? null,
      beforeJoinLogged: (events(history, LATE, "joined")[0]?.beforeJoin as number | undefined) ?? null,
      expectedBeforeJoin: (LATE_MS / 1000) * RATE,
      late: late ?? null,
      gapsLogged: events(history, LATE, "gap").length,
      onTime: fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" }) ?? null,
    }
  },
  checks: f => [
    ["late subscriber: sent before its subscription was in place", f.late?.beforeJoin ?? null, between(f.expectedBeforeJoin, f.expectedBeforeJoin * 2)],
    ["late subscriber: before join (logged by it, recounted)", [f.beforeJoinLogged, f.late?.beforeJoin ?? null], agree],
    ["late subscriber: lost once joined", f.late?.lost ?? null, equals(0)],
    ["late subscriber: gaps logged", f.gapsLogged, equals(0)],
    ["on-time subscriber: lost", f.onTime?.lost ?? null, equals(0)],
  ],
})
