// PUB/SUB: a subscriber that joins late misses what was published before it
// connected, and nothing afterwards.
import { delivery, events } from "./runner/checkers.js"
import { between, equals, scenario, sleep, up, waitFor } from "./runner/dsl.js"

const RATE = 20
const LATE_MS = 5000

export default scenario({
  name: "ps-late-joiner",
  claim: `A subscriber started ${LATE_MS / 1000} s after the publisher misses the first messages (about ${LATE_MS / 1000} s × the rate) and nothing afterwards.`,
  note: "The late joiner also misses what is published while its container starts and connects, so it misses a little more than 5 s × the rate.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [
    waitFor("pubsub-publisher", "sent"),
    sleep(LATE_MS),
    up("pubsub-late-subscriber"),
    waitFor("pubsub-late-subscriber", "received", { count: 60 }),
  ],
  figures: history => {
    const joined = events(history, "pubsub-late-subscriber", "joined")[0]
    const firstSeq = (joined?.seq as number | undefined) ?? null
    const lastReceived = events(history, "pubsub-late-subscriber", "received").at(-1)?.t ?? 0
    return {
      firstSeq,
      missedBeforeJoin: joined?.missedBeforeJoin ?? null,
      expectedMissed: (LATE_MS / 1000) * RATE,
      afterJoining: delivery(history, { producer: "pubsub-publisher", consumer: "pubsub-late-subscriber", sentWhere: e => firstSeq !== null && (e.seq as number) >= firstSeq && e.t < lastReceived }),
      gapsLogged: events(history, "pubsub-late-subscriber", "gap").length,
      onTimeSubscriberFirstSeq: events(history, "pubsub-subscriber", "joined")[0]?.seq ?? null,
    }
  },
  checks: f => [
    ["late subscriber's first seq", f.firstSeq, between(f.expectedMissed, f.expectedMissed * 2)],
    ["missed before joining (logged)", f.missedBeforeJoin, between(f.expectedMissed, f.expectedMissed * 2)],
    ["lost after joining", f.afterJoining.lost, equals(0)],
    ["gaps logged after joining", f.gapsLogged, equals(0)],
  ],
})
