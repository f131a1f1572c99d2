// PUSH/PULL: a killed worker, started again, takes tasks again: PUSH deals to
// it as soon as it has reconnected.
import { actionTime, count, events } from "../runner/checkers.js"
import { atLeast, equals, kill, scenario, sleep, start, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "pipeline-worker-restart",
  claim: "A killed worker, started again, takes tasks again.",
  services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
  env: { PIPELINE_RATE: "8", PIPELINE_WORK_MS_MIN: "50", PIPELINE_WORK_MS_MAX: "100" },
  timeline: [
    waitFor("pipeline-sink", "delivered", { count: 10 }),
    kill("pipeline-worker-1"),
    sleep(2000),
    start("pipeline-worker-1"),
    waitFor("pipeline-worker-1", "done", { count: 10 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "pipeline-worker-1") ?? 0
    const restartedAt = actionTime(history, "start", "pipeline-worker-1") ?? 0
    const by = (worker: string, from: number, to = Number.POSITIVE_INFINITY) =>
      count(history, "pipeline-sink", "delivered", e => e.worker === worker && e.t > from && e.t < to)
    return {
      worker1BeforeKill: by("pipeline-worker-1", 0, killedAt),
      worker1AfterRestart: by("pipeline-worker-1", restartedAt),
      worker1Starts: new Set(events(history, "pipeline-worker-1", "connecting").map(e => e.instance)).size,
      // Once it is back and connected: the shares of the two workers.
      shareOnceBack: { worker1: by("pipeline-worker-1", restartedAt + 2000), worker2: by("pipeline-worker-2", restartedAt + 2000) },
      reconnectedAfterMs: (events(history, "pipeline-ventilator", "socket.accept", e => e.t > restartedAt)[0]?.t ?? Number.NaN) - restartedAt,
    }
  },
  checks: f => [
    ["tasks delivered via worker 1 before the kill", f.worker1BeforeKill, atLeast(1)],
    ["tasks delivered via worker 1 after its restart", f.worker1AfterRestart, atLeast(10)],
    ["worker 1 processes seen (before the kill, after the restart)", f.worker1Starts, equals(2)],
  ],
})
