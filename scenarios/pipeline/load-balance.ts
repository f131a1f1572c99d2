// PUSH/PULL: the ventilator spreads tasks round-robin over the workers that
// are connected at the moment, so when they connect matters.
import { loadBalanced, ofVariant } from "../runner/checkers.js"
import { atLeast, atMost, equals, same, scenario, sleep, up, waitFor, type Check, type Variant } from "../runner/dsl.js"

const TASKS = 60
const WORKERS = ["pipeline-worker-1", "pipeline-worker-2", "pipeline-worker-3"]
const burst = { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "1000", PIPELINE_WORK_MS_MIN: "50", PIPELINE_WORK_MS_MAX: "50" }
const extraServices = { "pipeline-worker-3": { like: "pipeline-worker-1" } }
const staggered = [up(WORKERS[0]!), sleep(1000), up(WORKERS[1]!), sleep(1000), up(WORKERS[2]!)]
const allResults = waitFor("pipeline-sink", "delivered", { count: TASKS, timeoutMs: 30_000, from: "start" })
const VARIANTS = { connectedFirst: "connected-first", staggered: "staggered", waitForReady: "wait-for-ready" } as const

const variants: Variant[] = [
  {
    name: VARIANTS.connectedFirst,
    services: ["pipeline-sink", ...WORKERS, "pipeline-ventilator"],
    // The ventilator waits 2 s before its burst: all three workers are connected by then.
    env: { ...burst, PIPELINE_START_DELAY_MS: "2000" },
    extraServices,
    timeline: [allResults],
  },
  {
    name: VARIANTS.staggered,
    services: ["pipeline-sink", "pipeline-ventilator"],
    env: burst,
    extraServices,
    timeline: [...staggered, allResults],
  },
  {
    name: VARIANTS.waitForReady,
    services: ["pipeline-sink", "pipeline-ventilator"],
    env: { ...burst, PIPELINE_WAIT_FOR_WORKERS: "3", PIPELINE_SEND_READY: "true" },
    extraServices,
    timeline: [...staggered, allResults],
  },
]

const spread = (shares: Record<string, number>) => {
  const values = WORKERS.map(w => shares[w] ?? 0)
  return Math.max(...values) - Math.min(...values)
}

export default scenario({
  name: "pipeline-load-balance",
  claim: "PUSH spreads tasks evenly over the workers: with three workers connected before the first task, each gets about a third.",
  note: "Only over the workers connected at that moment. Started one second apart, the first worker takes the whole burst (the first-joiner problem); a ventilator that waits for every worker's ready signal restores the balance. Each worker's count is its share of the stream, not a loss: every task reaches the sink either way.",
  variants,
  figures: history =>
    Object.fromEntries(
      Object.entries(VARIANTS).map(([key, variant]) => {
        const tasks = loadBalanced(ofVariant(history, variant), { producer: "pipeline-ventilator" })
        const shares = tasks?.shares ?? {}
        return [
          key,
          {
            sent: tasks?.sent ?? null,
            delivered: tasks?.received ?? null,
            lost: tasks?.lost ?? null,
            shares,
            sharesAddUpTo: Object.values(shares).reduce((a, b) => a + b, 0),
            spread: spread(shares),
          },
        ]
      }),
    ),
  checks: f => [
    ...Object.values(VARIANTS).flatMap((variant, i): Check[] => {
      const v = Object.values(f)[i]!
      return [
        [`${variant}: tasks lost`, v.lost, equals(0)],
        [`${variant}: shares add up to the tasks sent`, [v.sharesAddUpTo, v.sent], same("shares = sent")],
      ]
    }),
    ["connected first: largest minus smallest share", f.connectedFirst!.spread, atMost(6)],
    ["staggered: tasks taken by the first worker", f.staggered!.shares["pipeline-worker-1"] ?? 0, atLeast(TASKS * 0.6)],
    ["wait for ready: largest minus smallest share", f.waitForReady!.spread, atMost(6)],
  ],
})
