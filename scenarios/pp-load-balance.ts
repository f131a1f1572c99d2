// PUSH/PULL: the ventilator spreads tasks round-robin over the workers that
// are connected at the moment, so when they connect matters.
import { ofVariant, shares } from "./runner/checkers.js"
import { atLeast, atMost, scenario, sleep, up, waitFor, type Variant } from "./runner/dsl.js"

const TASKS = 60
const WORKERS = ["pipeline-worker-1", "pipeline-worker-2", "pipeline-worker-3"]
const burst = { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "1000", PIPELINE_WORK_MS_MIN: "50", PIPELINE_WORK_MS_MAX: "50" }
const extraServices = { "pipeline-worker-3": { like: "pipeline-worker-1" } }
const staggered = [up(WORKERS[0]!), sleep(1000), up(WORKERS[1]!), sleep(1000), up(WORKERS[2]!)]
const allResults = waitFor("pipeline-sink", "received", { count: TASKS, timeoutMs: 30_000, from: "start" })

const variants: Variant[] = [
  {
    name: "connected-first",
    services: ["pipeline-sink", ...WORKERS, "pipeline-ventilator"],
    // The ventilator waits 2 s before its burst: all three workers are connected by then.
    env: { ...burst, PIPELINE_START_DELAY_MS: "2000" },
    extraServices,
    timeline: [allResults],
  },
  {
    name: "staggered",
    services: ["pipeline-sink", "pipeline-ventilator"],
    env: burst,
    extraServices,
    timeline: [...staggered, allResults],
  },
  {
    name: "wait-for-ready",
    services: ["pipeline-sink", "pipeline-ventilator"],
    env: { ...burst, PIPELINE_WAIT_FOR_WORKERS: "3", PIPELINE_SEND_READY: "true" },
    extraServices,
    timeline: [...staggered, allResults],
  },
]

const spread = (counts: Record<string, number>) => {
  const values = WORKERS.map(w => counts[w] ?? 0)
  return Math.max(...values) - Math.min(...values)
}

export default scenario({
  name: "pp-load-balance",
  claim: "PUSH spreads tasks evenly over the workers: with three workers connected before the first task, each gets about a third.",
  note: "Only over the workers connected at that moment. Started one second apart, the first worker takes the whole burst (the first-joiner problem); a ventilator that waits for every worker's ready signal restores the balance.",
  variants,
  figures: history => {
    const of = (variant: string) => shares(ofVariant(history, variant), "pipeline-sink")
    const connectedFirst = of("connected-first")
    const staggeredShares = of("staggered")
    const ready = of("wait-for-ready")
    return { connectedFirst, staggered: staggeredShares, waitForReady: ready, spread: { connectedFirst: spread(connectedFirst), staggered: spread(staggeredShares), waitForReady: spread(ready) } }
  },
  checks: f => [
    ["connected first: largest minus smallest share", f.spread.connectedFirst, atMost(6)],
    ["staggered: tasks taken by the first worker", f.staggered["pipeline-worker-1"] ?? 0, atLeast(TASKS * 0.6)],
    ["wait for ready: largest minus smallest share", f.spread.waitForReady, atMost(6)],
  ],
})
