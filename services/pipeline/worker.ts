// PUSH/PULL, a worker: pulls tasks from the ventilator, "works" for the task's
// workMs, and pushes a result to the sink. A worker takes a share of the
// ventilator's stream (round-robin): it judges nothing (the numbers its
// sibling took are not missing); the sink judges the stream at its end.
// `received` is a task taken (work begins); `done` is its work finished and
// its result handed to the sink.
import { Pull, Push } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, type Envelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { isTaskBody, taskRefOf, type ResultBody, type TaskBody } from "./task.js"

const service = startService("pipeline", pick("PIPELINE_VENTILATOR_CONNECT", "PIPELINE_SINK_CONNECT", "PIPELINE_SEND_READY", "PIPELINE_READY_CONNECT"))
const { config, log } = service

const producer = service.producer("results")
const inbox = new Inbox(service)
// Ready means "my task socket is connected": sent after its first handshake.
const ready = config.PIPELINE_SEND_READY ? connectSocket(service, new Push(socketOptions(config, "send")), config.PIPELINE_READY_CONNECT, "ready") : undefined
const readySignal = service.producer("ready")
let saidReady = false
const tasks = connectSocket(service, new Pull(socketOptions(config, "receive")), config.PIPELINE_VENTILATOR_CONNECT, "pull", event => {
  if (event.type !== "handshake" || !ready || saidReady) return
  saidReady = true
  ready.send(encodeEnvelope(readySignal.next({ ready: true }))).then(
    () => log.info("ready", "told the ventilator this worker is ready"),
    error => log.warn("ready", `could not say ready: ${String(error)}`),
  )
})
const results = connectSocket(service, new Push(socketOptions(config, "send")), config.PIPELINE_SINK_CONNECT, "push")
const counts = { taken: 0, done: 0 }
let current: number | undefined

service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages }))
service.onStop(() => {
  // The task in hand is abandoned: say so, so the sink's gap is explained.
  if (current !== undefined) log.warn("dropped", `task ${current} abandoned at shutdown`, { taskId: current })
})

await eachMessage(service, tasks, async frames => {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return
  if (!isTaskBody(decoded.envelope.body))
    return inbox.reject("bad-body", "task body must be {taskId: integer >= 1, workMs: number >= 0, epoch?: string}", {
      producer: decoded.envelope.producer,
      seq: decoded.envelope.seq,
    })
  const task = decoded.envelope as Envelope<TaskBody>
  const ref = taskRefOf(task)
  counts.taken += 1
  current = ref.seq
  service.message("received", `task ${ref.seq} from ${ref.producer}: working ${task.body.workMs} ms`, {
    producer: ref.producer,
    incarnation: ref.incarnation,
    stream: ref.stream,
    seq: ref.seq,
    taskId: ref.seq,
    workMs: task.body.workMs,
  })
  await service.pause(task.body.workMs)
  if (service.stopping) return
  const result = producer.next<ResultBody>({ taskId: ref.seq, task: ref, workMs: task.body.workMs })
  await results.send(encodeEnvelope(result))
  current = undefined
  counts.done += 1
  service.message("done", `task ${ref.seq} done, result pushed to the sink`, {
    producer: ref.producer,
    incarnation: ref.incarnation,
    stream: ref.stream,
    seq: ref.seq,
    taskId: ref.seq,
  })
})
