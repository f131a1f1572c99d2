// PUSH/PULL: tasks pushed before any worker exists wait, and are all delivered
// once one connects.
import { count, events, loadBalanced } from "../runner/checkers.js"
import { atLeast, atMost, equals, scenario, sleep, up, waitFor } from "../runner/dsl.js"

const TASKS = 50

export default scenario({
  name: "pipeline-no-worker-yet",
  claim: "Tasks pushed before any worker exists wait, and are all delivered once one connects (up to the high-water mark; beyond it the ventilator blocks).",
  note: "A bound PUSH socket with no peer at all has no queue to fill: its very first send blocks until a worker connects. The high-water-mark queue exists per connected peer (or on a PUSH that connects and waits for its peer). Nothing is lost either way.",
  services: ["pipeline-sink", "pipeline-ventilator"],
  env: { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "100", PIPELINE_WORK_MS_MIN: "0", PIPELINE_WORK_MS_MAX: "5" },
  timeline: [waitFor("pipeline-ventilator", "ventilating"), sleep(3000), up("pipeline-worker-1"), waitFor("pipeline-sink", "delivered", { count: TASKS })],
  figures: history => {
    const workerConnected = events(history, "pipeline-ventilator", "socket.accept")[0]?.t ?? Number.POSITIVE_INFINITY
    const blocked = events(history, "pipeline-ventilator", "blocked")[0]
    const tasks = loadBalanced(history, { producer: "pipeline-ventilator" })
    return {
      sentBeforeAnyWorker: count(history, "pipeline-ventilator", "sent", e => e.t < workerConnected),
      firstSendBlockedMs: blocked?.waitedMs ?? null,
      delivered: tasks?.received ?? null,
      lost: tasks?.lost ?? null,
    }
  },
  checks: f => [
    ["tasks handed over before any worker connected", f.sentBeforeAnyWorker, atMost(1)],
    ["the first send waited (ms)", f.firstSendBlockedMs, atLeast(2500)],
    ["tasks delivered", f.delivered, equals(TASKS)],
    ["tasks lost", f.lost, equals(0)],
  ],
})
