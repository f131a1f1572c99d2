// PUSH/PULL: a worker killed mid-stream takes the tasks queued for it along;
// the sink names them; the other worker goes on.
import { actionTime, count, delivery, events, taskRef } from "./runner/checkers.js"
import { agree, atLeast, equals, kill, scenario, waitFor } from "./runner/dsl.js"

const TASKS = 40

export default scenario({
  name: "pp-worker-killed",
  claim: "A worker killed mid-stream loses the tasks queued for it, listed by id; the sink's received = sent - lost; nothing is duplicated; the other worker goes on.",
  // Each worker gets 2 tasks/s and needs 0.6 s for one: always busy, with tasks queued.
  services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
  env: { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "4", PIPELINE_WORK_MS_MIN: "600", PIPELINE_WORK_MS_MAX: "600", PIPELINE_LOSS_GRACE_MS: "3000" },
  timeline: [
    waitFor("pipeline-sink", "received", { count: 8 }),
    waitFor("pipeline-worker-1", "received"),
    kill("pipeline-worker-1"),
    waitFor("pipeline-sink", "received", { where: e => e.taskId === TASKS, timeoutMs: 60_000 }),
    waitFor("pipeline-sink", "stats", { where: e => (e.tasks as { pending: number }).pending === 0 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "pipeline-worker-1") ?? 0
    const got = delivery(history, { producer: "pipeline-ventilator", consumer: "pipeline-sink", refOf: taskRef })
    const named = events(history, "pipeline-sink", "gap", e => e.stream === "task").flatMap(e => (e.missing as Array<{ from: number; to: number }>).flatMap(r => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)))
    const lost = got.lostRanges.flatMap(r => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))
    return {
      sent: got.sent,
      received: got.received,
      lostIds: lost,
      namedBySink: named.sort((a, b) => a - b),
      duplicated: got.duplicated,
      worker2AfterKill: count(history, "pipeline-worker-2", "sent", e => e.t > killedAt),
    }
  },
  checks: f => [
    ["tasks lost with the killed worker", f.lostIds.length, atLeast(1)],
    ["lost ids (named by the sink, counted)", [f.namedBySink.join(","), f.lostIds.join(",")], agree],
    ["received (sink, sent - lost)", [f.received, f.sent - f.lostIds.length], agree],
    ["duplicated", f.duplicated, equals(0)],
    ["results from pipeline-worker-2 after the kill", f.worker2AfterKill, atLeast(5)],
  ],
})
