// PUB/SUB: the Suicidal Snail. Two equally slow subscribers; the plain one
// falls behind until the publisher drops messages for it (seen only as gaps,
// after the fact), the snail checks each message's age and stops, loudly,
// as soon as it is too far behind: before it has lost anything.
import { events, fanOut, sentUpTo } from "../runner/checkers.js"
import { atLeast, between, equals, scenario, waitFor } from "../runner/dsl.js"

const RATE = 200
const MAX_LAG_MS = 1000

export default scenario({
  name: "pubsub-suicidal-snail",
  claim:
    "A subscriber that checks each message's age notices it has fallen behind and stops, saying so, before any message is lost; an equally slow plain subscriber loses messages and finds out only from the gaps.",
  services: ["pubsub-publisher", "pubsub-subscriber", "pubsub-snail"],
  env: { PUBSUB_RATE: String(RATE), PUBSUB_PAYLOAD_BYTES: "16000", PUBSUB_PROCESS_MS: "20", SEND_HWM: "100", RECEIVE_HWM: "100", LOG_MESSAGES: "true" },
  serviceEnv: { "pubsub-snail": { PUBSUB_MAX_LAG_MS: String(MAX_LAG_MS) } },
  timeline: [
    waitFor("pubsub-snail", "too-slow", { timeoutMs: 30_000 }),
    waitFor("pubsub-snail", "shutdown"),
    waitFor("pubsub-subscriber", "gap", { timeoutMs: 30_000 }),
  ],
  figures: history => {
    const tooSlow = events(history, "pubsub-snail", "too-slow")[0]
    // What the snail was sent up to the message that made it stop: had it lost any?
    const snail = tooSlow
      ? fanOut(sentUpTo(history, "pubsub-publisher", tooSlow.seq as number), { producer: "pubsub-publisher", consumer: "pubsub-snail" })
      : undefined
    const firstGap = events(history, "pubsub-subscriber", "gap")[0]
    const start = events(history, "pubsub-snail", "received")[0]?.t ?? 0
    return {
      snailStoppedAfterMs: (tooSlow?.t ?? 0) - start,
      snailLagMs: (tooSlow?.lagMs as number | undefined) ?? 0,
      snailReceivedBeforeStopping: snail?.received ?? null,
      snailLostBeforeStopping: snail?.lost ?? null,
      snailExitCode: (events(history, "pubsub-snail", "shutdown")[0]?.exitCode as number | undefined) ?? -1,
      plainFirstGapAfterMs: (firstGap?.t ?? 0) - start,
      plainLostAtFirstGap: (firstGap?.count as number | undefined) ?? 0,
    }
  },
  checks: f => [
    ["snail: lag when it stopped (ms)", f.snailLagMs, between(MAX_LAG_MS, MAX_LAG_MS * 3)],
    ["snail: messages received before it stopped", f.snailReceivedBeforeStopping, atLeast(1)],
    ["snail: messages lost before it stopped", f.snailLostBeforeStopping, equals(0)],
    ["snail: exit code", f.snailExitCode, equals(3)],
    ["plain subscriber: lost at its first gap", f.plainLostAtFirstGap, atLeast(1)],
    ["time from the snail's stop to the plain subscriber's first loss (ms)", f.plainFirstGapAfterMs - f.snailStoppedAfterMs, atLeast(1)],
  ],
})
