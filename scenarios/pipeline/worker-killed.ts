// PUSH/PULL: a worker killed mid-stream takes the tasks queued for it along;
// the sink names them; the other worker goes on.
import { actionTime, asRanges, count, gapsLogged, lastStats, loadBalanced, parseIds } from "../runner/checkers.js"
import { agree, atLeast, equals, kill, scenario, waitFor } from "../runner/dsl.js"

const TASKS = 40

export default scenario({
  name: "pipeline-worker-killed",
  claim:
    "A worker killed mid-stream loses the tasks queued for it, listed by id; the sink names the same ids; nothing is duplicated; the other worker goes on.",
  // Each worker gets 2 tasks/s and needs 0.6 s for one: always busy, with tasks queued.
  services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
  env: { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "4", PIPELINE_WORK_MS_MIN: "600", PIPELINE_WORK_MS_MAX: "600", PIPELINE_LOSS_GRACE_MS: "3000" },
  timeline: [
    waitFor("pipeline-sink", "delivered", { count: 8 }),
    waitFor("pipeline-worker-1", "received"),
    kill("pipeline-worker-1"),
    waitFor("pipeline-sink", "delivered", { where: e => e.seq === TASKS, timeoutMs: 60_000 }),
    waitFor("pipeline-sink", "stats", { where: e => e.pending === 0 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "pipeline-worker-1") ?? 0
    const tasks = loadBalanced(history, { producer: "pipeline-ventilator" })
    const sinkTotals = lastStats(history, "pipeline-sink")
    return {
      sent: tasks?.sent ?? null,
      delivered: tasks?.received ?? null,
      lostIds: parseIds(tasks?.lostIds ?? ""),
      namedBySink: gapsLogged(history, "pipeline-sink"),
      sinkOwnTotals: { delivered: sinkTotals?.received ?? null, lost: sinkTotals?.lost ?? null },
      duplicated: tasks?.duplicated ?? null,
      worker2AfterKill: count(history, "pipeline-worker-2", "done", e => e.t > killedAt),
    }
  },
  checks: f => [
    ["tasks lost with the killed worker", f.lostIds.length, atLeast(1)],
    ["lost ids (named by the sink, recounted)", [asRanges(f.namedBySink), asRanges(f.lostIds)], agree],
    ["the sink's final totals: delivered (its stats, recounted)", [f.sinkOwnTotals.delivered, f.delivered], agree],
    ["the sink's final totals: lost (its stats, recounted)", [f.sinkOwnTotals.lost, f.lostIds.length], agree],
    ["duplicated", f.duplicated, equals(0)],
    ["tasks done by pipeline-worker-2 after the kill", f.worker2AfterKill, atLeast(5)],
  ],
})
