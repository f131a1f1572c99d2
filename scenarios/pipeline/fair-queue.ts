// PUSH/PULL: a PULL socket connected to two PUSH peers fair-queues: it takes
// from each in turn.
import { events, loadBalanced } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

const TASKS = 100

export default scenario({
  name: "pipeline-fair-queue",
  claim: "Two ventilators into one pipeline: the receiving side takes from both in turn.",
  note: "Fair queuing happens at the PULL socket that has both ventilators as peers: here the worker's, and the sink sees the resulting order. While both have tasks waiting, tasks alternate one by one; a ventilator that is up first has the worker to itself until the other connects.",
  services: ["pipeline-sink", "pipeline-worker-1", "pipeline-ventilator", "pipeline-ventilator-2"],
  env: { PIPELINE_TASKS: String(TASKS), PIPELINE_RATE: "200", PIPELINE_WORK_MS_MIN: "10", PIPELINE_WORK_MS_MAX: "10" },
  serviceEnv: { "pipeline-worker-1": { PIPELINE_VENTILATOR_CONNECT: "tcp://pipeline-ventilator:5557,tcp://pipeline-ventilator-2:5557" } },
  extraServices: { "pipeline-ventilator-2": { like: "pipeline-ventilator" } },
  timeline: [waitFor("pipeline-sink", "delivered", { count: 2 * TASKS, timeoutMs: 30_000 })],
  figures: history => {
    const order = events(history, "pipeline-sink", "delivered").map(e => e.producer as string)
    // Only while both had tasks: from the first result of the one that started
    // later (a container up a second late has pushed nothing yet) to the last
    // result of the one that ran out first.
    const [A, B] = ["pipeline-ventilator", "pipeline-ventilator-2"]
    const both = order.slice(Math.max(order.indexOf(A), order.indexOf(B)), Math.min(order.lastIndexOf(A), order.lastIndexOf(B)) + 1)
    const alternations = both.filter((v, i) => i > 0 && v !== both[i - 1]).length
    return {
      fromVentilator1: loadBalanced(history, { producer: "pipeline-ventilator" })?.received ?? null,
      fromVentilator2: loadBalanced(history, { producer: "pipeline-ventilator-2" })?.received ?? null,
      whileBoth: both.length,
      alternationRatio: both.length > 1 ? Math.round((alternations / (both.length - 1)) * 100) / 100 : 0,
      first20: order
        .slice(0, 20)
        .map(v => (v === "pipeline-ventilator" ? "1" : "2"))
        .join(""),
    }
  },
  checks: f => [
    ["tasks of ventilator 1 delivered", f.fromVentilator1, equals(TASKS)],
    ["tasks of ventilator 2 delivered", f.fromVentilator2, equals(TASKS)],
    ["share of turns that switch ventilator while both have tasks", f.alternationRatio, atLeast(0.8)],
  ],
})
