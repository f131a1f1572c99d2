// PUSH/PULL: a killed worker, started again, takes tasks again: PUSH deals to
// it as soon as it has reconnected.
import { actionTime, count, events } from "./runner/checkers.js"
import { atLeast, equals, kill, scenario, sleep, start, waitFor } from "./runner/dsl.js"

export default scenario({
  name: "pp-worker-restart",
  claim: "A killed worker, started again, takes tasks again.",
  services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
  env: { PIPELINE_RATE: "8", PIPELINE_WORK_MS_MIN: "50", PIPELINE_WORK_MS_MAX: "100" },
  timeline: [
    waitFor("pipeline-sink", "received", { count: 10 }),
    kill("pipeline-worker-1"),
    sleep(2000),
    start("pipeline-worker-1"),
    waitFor("pipeline-worker-1", "sent", { count: 10 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "pipeline-worker-1") ?? 0
    const restartedAt = actionTime(history, "start", "pipeline-worker-1") ?? 0
    const window = history.filter(e => e.t > restartedAt + 2000)
    return {
      worker1BeforeKill: count(history, "pipeline-sink", "received", e => e.producer === "pipeline-worker-1" && e.t < killedAt),
      worker1AfterRestart: count(history, "pipeline-sink", "received", e => e.producer === "pipeline-worker-1" && e.t > restartedAt),
      worker1RestartsSeenBySink: count(history, "pipeline-sink", "producer-restart", e => e.producer === "pipeline-worker-1"),
      shareOnceBack: { worker1: count(window, "pipeline-sink", "received", e => e.producer === "pipeline-worker-1"), worker2: count(window, "pipeline-sink", "received", e => e.producer === "pipeline-worker-2") },
      reconnectedAfterMs: (events(history, "pipeline-ventilator", "socket.accept", e => e.t > restartedAt)[0]?.t ?? Number.NaN) - restartedAt,
    }
  },
  checks: f => [
    ["results from worker 1 after its restart", f.worker1AfterRestart, atLeast(10)],
    ["the sink saw worker 1 restart", f.worker1RestartsSeenBySink, equals(1)],
  ],
})
