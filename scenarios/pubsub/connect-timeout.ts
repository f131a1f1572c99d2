// PUB/SUB: a subscriber's recovery from a publisher restart, with and without a
// connect timeout. A connect attempt begun while the new container is not yet
// reachable waits for TCP's SYN retransmission (1 s); giving up after
// CONNECT_TIMEOUT_MS and trying again at once reconnects in about 100 ms.
import { percentile } from "../../shared/accounting.js"
import { ofVariant } from "../runner/checkers.js"
import { atLeast, below, kill, reported, scenario, sleep, start, waitFor, type Action } from "../runner/dsl.js"
import { recoveries } from "./reconnect.js"

const RESTARTS = 5
const SUB = "pubsub-subscriber"

const timeline: Action[] = Array.from({ length: RESTARTS }, (): Action[] => [
  waitFor(SUB, "received", { count: 5, from: "now" }),
  kill("pubsub-publisher"),
  sleep(1000),
  start("pubsub-publisher"),
  waitFor(SUB, "joined"),
])
  .flat()
  .concat(waitFor(SUB, "received", { count: 5, from: "now" }))

const summary = (values: number[]) => ({ median: percentile(values, 50), max: values.length > 0 ? Math.max(...values) : null, each: values })

export default scenario({
  name: "pubsub-connect-timeout",
  claim:
    "With CONNECT_TIMEOUT_MS=150 a subscriber is back about 100 ms after a restarted publisher listens; with 0 (the kernel's timeout) a connect attempt made too early waits for TCP's SYN retransmission, several times longer.",
  variants: [
    { name: "timeout-0", services: ["pubsub-publisher", SUB], env: { PUBSUB_RATE: "20", CONNECT_TIMEOUT_MS: "0" }, timeline },
    { name: "timeout-150", services: ["pubsub-publisher", SUB], env: { PUBSUB_RATE: "20", CONNECT_TIMEOUT_MS: "150" }, timeline },
  ],
  figures: history => ({
    without: summary(recoveries(ofVariant(history, "timeout-0"), SUB)),
    with: summary(recoveries(ofVariant(history, "timeout-150"), SUB)),
  }),
  checks: f => [
    ["recoveries measured (0 / 150)", Math.min(f.without.each.length, f.with.each.length), atLeast(RESTARTS)],
    ["CONNECT_TIMEOUT_MS=150: median recovery (ms)", f.with.median, below(300)],
    [
      "CONNECT_TIMEOUT_MS=0: median recovery, times the one with 150",
      f.without.median !== null && f.with.median ? f.without.median / f.with.median : null,
      atLeast(2),
    ],
    ["median / max recovery (ms), 0 vs 150", `${f.without.median} / ${f.without.max} vs ${f.with.median} / ${f.with.max}`, reported],
  ],
})
