// End to end: one pipeline worker is killed while tasks flow. The sink names
// the missing task ids; they are exactly the tasks sent and never delivered;
// nothing is duplicated; the other worker keeps going.
//
// Each task takes 600 ms and each worker gets 2 tasks/s, so a worker is always
// busy with tasks queued: killing it loses at least the task in hand.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../harness/compose.js"
import { is, type LogRecord } from "../../harness/logs.js"

const lab = new ComposeProject("zmqlab-e2e-pipeline", {
  environment: {
    PIPELINE_RATE: "4",
    PIPELINE_WORK_MS_MIN: "600",
    PIPELINE_WORK_MS_MAX: "600",
    PIPELINE_LOSS_GRACE_MS: "3000",
  },
})
after(() => lab.down())

const ranges = (record: LogRecord) => record.missing as Array<{ from: number; to: number }>

it("the sink names the tasks lost with a killed worker, and the count adds up", async () => {
  await lab.up(["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"])
  await lab.logs.waitFor("8 tasks delivered at the sink", () => lab.logs.filter(is("pipeline-sink", "delivered")).length >= 8, 20_000)
  await lab.logs.waitFor("worker 1 holding a task", is("pipeline-worker-1", "received"), 5000, { after: lab.logs.mark })

  const killedAt = lab.logs.mark
  await lab.kill("pipeline-worker-1")
  // The survivor goes on: three more tasks done after the kill.
  await lab.logs.waitFor("worker 2 going on", () => lab.logs.records.slice(killedAt).filter(is("pipeline-worker-2", "done")).length >= 3, 15_000)

  await lab.stop("pipeline-ventilator")
  const sentTotal =
    (await lab.logs.waitFor("the ventilator's final stats", is("pipeline-ventilator", "shutdown"), 10_000)) &&
    (lab.logs.filter(is("pipeline-ventilator", "stats")).at(-1)!.sent as number)
  // The survivor's backlog drains, then the missing ids wait out the grace period.
  await lab.logs.waitFor(
    `the last task (${sentTotal}) delivered`,
    is("pipeline-sink", "delivered", r => r.seq === sentTotal),
    60_000,
  )
  await lab.logs.waitFor(
    "sink with nothing pending",
    is("pipeline-sink", "stats", r => r.pending === 0),
    10_000,
    { after: lab.logs.mark },
  )

  await lab.stop("pipeline-sink")
  await lab.logs.waitFor("the sink's shutdown", is("pipeline-sink", "shutdown"), 10_000)
  const final = lab.logs.filter(is("pipeline-sink", "stats")).at(-1)! as LogRecord & { received: number; lost: number; duplicated: number }

  const delivered = new Set(lab.logs.filter(is("pipeline-sink", "delivered")).map(r => r.seq as number))
  const gaps = lab.logs.filter(is("pipeline-sink", "gap", r => r.stream === "tasks"))
  const named = gaps.flatMap(gap => ranges(gap).flatMap(({ from, to }) => Array.from({ length: to - from + 1 }, (_, i) => from + i)))
  const reallyMissing = Array.from({ length: sentTotal }, (_, i) => i + 1).filter(id => !delivered.has(id))

  assert.ok(named.length >= 1, "at least the task in the killed worker's hands is lost")
  assert.deepEqual(
    [...named].sort((a, b) => a - b),
    reallyMissing,
    "the sink names exactly the ids that never arrived",
  )
  assert.equal(final.lost, reallyMissing.length, "the sink's lost figure")
  assert.equal(final.received, delivered.size, "the sink's received figure")
  assert.equal(final.duplicated, 0)
  assert.equal(lab.logs.filter(is("pipeline-sink", "duplicate")).length, 0)
})
