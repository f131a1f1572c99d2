// PUSH/PULL, the sink: binds and collects every worker's results. It tracks two
// sequences: each worker's own stream (ordered, so a gap is real at once), and
// the ventilator's task ids, which arrive out of order through several workers:
// a task id is declared missing only after PIPELINE_LOSS_GRACE_MS without it.
import { Pull } from "zeromq"
import { endpoint, integer } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { SequenceTracker } from "../../shared/sequence.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { isResultBody } from "./task.js"

const service = startService("pipeline", {
  PIPELINE_SINK_BIND: endpoint("tcp://*:5558"),
  PIPELINE_LOSS_GRACE_MS: integer(3000, { min: 0, max: 600_000 }),
})
const { config } = service

const inbox = new Inbox(service)
const tasks = new SequenceTracker(config.PIPELINE_LOSS_GRACE_MS)
const sink = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.PIPELINE_SINK_BIND, "pull")

const expiry = setInterval(() => inbox.expire(tasks, "task"), Math.min(250, Math.max(10, config.PIPELINE_LOSS_GRACE_MS / 4)))
service.onStop(() => clearInterval(expiry))

service.reportStats(() => {
  const perTask = Object.values(tasks.snapshot())
  const total = (key: "received" | "missed" | "duplicated" | "outOfOrder" | "late") => perTask.reduce((sum, p) => sum + p[key], 0)
  return {
    ...inbox.stats(),
    tasks: { received: total("received"), missed: total("missed"), duplicated: total("duplicated"), outOfOrder: total("outOfOrder"), late: total("late"), pending: tasks.pendingCount(), producers: tasks.snapshot() },
  }
})

await eachMessage(service, sink, frames => {
  const decoded = inbox.accept(frames, { frames: 1 })
  if (!decoded.ok) return
  const result = decoded.envelope
  if (!isResultBody(result.body)) return inbox.reject("result body must be {taskId, task: {producer, incarnation, seq}}", { producer: result.producer, seq: result.seq })
  const { task, taskId } = result.body
  inbox.track(tasks, task.producer, task.incarnation, task.seq, "task")
  service.message("received", `result of task ${taskId} from ${result.producer}`, { producer: result.producer, incarnation: result.incarnation, seq: result.seq, taskId, ventilator: task.producer, ventilatorIncarnation: task.incarnation, latencyMs: Date.now() - result.sentAt })
})
