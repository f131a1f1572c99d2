// On a Docker Swarm: the pipeline's workers scaled from two to five under
// load, with `docker service scale`. The new tasks start on the connecting
// side's node, connect to the ventilator and the sink, and PUSH deals them
// their turn: the shares change, nothing is lost.
import { loadBalanced } from "../runner/checkers.js"
import type { History } from "../runner/history.js"
import { equals, isTrue, reported, scale, scenario, waitFor } from "../runner/dsl.js"

const VENTILATOR = "pipeline-ventilator.1"
const SINK = "pipeline-sink.1"
/** pipeline-worker-2 scaled to 4 tasks: with pipeline-worker-1, five workers. */
const SCALED = "pipeline-worker-2"
const NEW_TASKS = [2, 3, 4].map(slot => `${SCALED}.${slot}`)
const BEFORE = ["pipeline-worker-1.1", `${SCALED}.1`]

/** The workers that took a task, between `from` and `to`: how many each. */
function takenBetween(history: History, from: number, to = Infinity): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of history) {
    if (e.event !== "received" || !e.service.startsWith("pipeline-worker-") || e.t < from || e.t > to) continue
    counts[e.service] = (counts[e.service] ?? 0) + 1
  }
  return counts
}

const percent = (counts: Record<string, number>) => {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
  return Object.fromEntries(Object.entries(counts).map(([worker, n]) => [worker, `${Math.round((n / total) * 100)} %`]))
}

export default scenario({
  name: "swarm-scale-workers",
  claim:
    "Scaling the pipeline's workers from two to five under load changes the shares, and loses nothing: the new workers take their turn as soon as they connect.",
  note: "PUSH deals round-robin over the workers connected at each moment, so each new task is dealt its turn from its first connection; what was dealt before stays with the workers that had it. Each worker's count is its share of the stream, not a loss.",
  platform: "swarm",
  requires: ["swarm"],
  services: ["pipeline-sink", "pipeline-worker-1", SCALED, "pipeline-ventilator"],
  env: { PIPELINE_RATE: "20", PIPELINE_WORK_MS_MIN: "20", PIPELINE_WORK_MS_MAX: "60" },
  timeline: [
    waitFor(SINK, "delivered", { count: 40, timeoutMs: 60_000 }),
    scale(SCALED, 4),
    ...NEW_TASKS.map(task => waitFor(task, "received", { timeoutMs: 60_000 })),
    waitFor(SINK, "delivered", { count: 100, timeoutMs: 30_000, from: "now" }),
  ],
  figures: history => {
    const scaledAt = history.find(e => e.service === "runner" && e.event === "action" && e.action === "scale")?.t ?? Infinity
    // From the moment the last new worker took its first task: all five at work.
    const allAt = Math.max(...NEW_TASKS.map(task => history.find(e => e.service === task && e.event === "received")?.t ?? Infinity))
    const before = takenBetween(history, 0, scaledAt)
    const after = takenBetween(history, allAt)
    const tasks = loadBalanced(history, { producer: VENTILATOR })
    return {
      workersBefore: Object.keys(before).sort(),
      workersAfter: Object.keys(after).sort(),
      everyOneAfterTookTasks: Object.keys(after).length === BEFORE.length + NEW_TASKS.length,
      sharesBefore: percent(before),
      sharesAfter: percent(after),
      sent: tasks?.sent ?? null,
      delivered: tasks?.received ?? null,
      lost: tasks?.lost ?? null,
      shares: tasks?.shares ?? {},
    }
  },
  checks: f => [
    ["workers taking tasks before the scale", f.workersBefore, equals(BEFORE)],
    ["workers taking tasks once all five run", f.workersAfter, equals([...BEFORE, ...NEW_TASKS].sort())],
    ["each of the five took tasks", f.everyOneAfterTookTasks, isTrue],
    ["shares before the scale", f.sharesBefore, reported],
    ["shares once all five run", f.sharesAfter, reported],
    ["tasks sent / delivered", `${f.sent} / ${f.delivered}`, reported],
    ["lost", f.lost, equals(0)],
  ],
})
