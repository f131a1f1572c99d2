// PUSH/PULL, the sink: binds and collects every worker's results. It is the
// end of the pipeline, where the ventilator's stream is judged: each result
// delivers its task (`delivered`, after the work was done), and a task id
// missing for PIPELINE_LOSS_GRACE_MS is lost (`gap`). Results come back
// through several workers, so out of order: hence the grace. Which worker did
// a task is a share, not a stream of its own.
import { Pull } from "zeromq"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { isResultBody } from "./task.js"

const service = startService("pipeline", pick("PIPELINE_SINK_BIND", "PIPELINE_LOSS_GRACE_MS"))
const { config } = service

// Every task from seq 1 is due, except what was sent before this sink started.
const inbox = new Inbox(service, { promise: "load-balanced", graceMs: config.PIPELINE_LOSS_GRACE_MS, startedAt: Date.now() })
const sink = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.PIPELINE_SINK_BIND, "pull")

const expiry = setInterval(() => inbox.expire(), Math.min(250, Math.max(10, config.PIPELINE_LOSS_GRACE_MS / 4)))
service.onStop(() => clearInterval(expiry))
service.reportStats(() => inbox.stats())

await eachMessage(service, sink, frames => {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return
  const result = decoded.envelope
  if (!isResultBody(result.body))
    return inbox.reject("bad-body", "result body must be {taskId, task: {producer, incarnation, stream, seq, sentAt}}", {
      producer: result.producer,
      seq: result.seq,
    })
  const { task } = result.body
  const { sentAt, ...ref } = task
  inbox.track(ref, ref.seq, sentAt)
  service.message("delivered", `task ${ref.seq} delivered (worked on by ${result.producer})`, {
    ...ref,
    taskId: ref.seq,
    worker: result.producer,
    latencyMs: Date.now() - sentAt,
  })
})
