// PUSH/PULL, a worker: pulls tasks from the ventilator, "works" for the task's
// workMs, and pushes a result to the sink. A worker sees only its share of the
// ventilator's stream (round-robin), so it does not track the ventilator's seq:
// the sink does, on the task ids, because only it sees every result.
import { Pull, Push } from "zeromq"
import { boolean, endpoint, endpoints } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { isTaskBody, type ResultBody } from "./task.js"

const service = startService("pipeline", {
  /** One ventilator or several, comma-separated: PULL fair-queues between them. */
  PIPELINE_VENTILATOR_CONNECT: endpoints(["tcp://pipeline-ventilator:5557"]),
  PIPELINE_SINK_CONNECT: endpoint("tcp://pipeline-sink:5558"),
  /** Say `ready` to the ventilator once connected (for PIPELINE_WAIT_FOR_WORKERS). */
  PIPELINE_SEND_READY: boolean(false),
  PIPELINE_READY_CONNECT: endpoint("tcp://pipeline-ventilator:5562"),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
// Ready means "my task socket is connected": sent after its first handshake.
const ready = config.PIPELINE_SEND_READY ? connectSocket(service, new Push(socketOptions(config, "send")), config.PIPELINE_READY_CONNECT, "ready") : undefined
// Its own stream: the ready signal must not take a seq from the results the sink tracks.
const readySignal = new Producer(service.name)
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
let received = 0
let current: number | undefined

service.reportStats(() => ({ received, sent: producer.lastSeq, badMessages: inbox.badMessages }))
service.onStop(() => {
  // The task in hand is abandoned: say so, so the sink's gap is explained.
  if (current !== undefined) log.warn("dropped", `task ${current} abandoned at shutdown`, { taskId: current })
})

await eachMessage(service, tasks, async frames => {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return
  const task = decoded.envelope
  if (!isTaskBody(task.body)) return inbox.reject("task body must be {taskId: integer, workMs: number >= 0}", { producer: task.producer, seq: task.seq })
  received += 1
  current = task.body.taskId
  service.message("received", `task ${task.body.taskId} from ${task.producer}`, { producer: task.producer, incarnation: task.incarnation, seq: task.seq, taskId: task.body.taskId, workMs: task.body.workMs })
  await service.pause(task.body.workMs)
  if (service.stopping) return
  const result = producer.next<ResultBody>({ taskId: task.body.taskId, task: { producer: task.producer, incarnation: task.incarnation, seq: task.seq }, workMs: task.body.workMs })
  await results.send(encodeEnvelope(result))
  current = undefined
  service.message("sent", `result of task ${task.body.taskId}`, { seq: result.seq, incarnation: producer.incarnation, taskId: task.body.taskId, ventilator: task.producer })
})
