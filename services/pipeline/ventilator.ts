// PUSH/PULL, the ventilator: binds and pushes numbered tasks at a steady rate.
// PUSH deals tasks round-robin to the workers connected *now*. With no worker
// at all, send() waits (the pipeline applies back-pressure instead of dropping),
// so a stall here is logged as `blocked`. The task id is the envelope's seq.
import { Pull, Push } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { idle, randomBetween, ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { bindSocket, isClosedError, socketOptions } from "../../shared/sockets.js"
import { TASKS, type TaskBody } from "./task.js"

const service = startService(
  "pipeline",
  pick(
    "PIPELINE_VENTILATOR_BIND",
    "PIPELINE_RATE",
    "PIPELINE_WORK_MS_MIN",
    "PIPELINE_WORK_MS_MAX",
    "PIPELINE_PAYLOAD_BYTES",
    "PIPELINE_TASKS",
    "PIPELINE_WAIT_FOR_WORKERS",
    "PIPELINE_READY_BIND",
    "PIPELINE_START_DELAY_MS",
  ),
)
const { config, log } = service

const BLOCKED_LOG_MS = 1000

// Each task should reach exactly one worker, and its result the sink.
const producer = service.producer(TASKS, "load-balanced")
const ventilator = await bindSocket(service, new Push(socketOptions(config, "send")), config.PIPELINE_VENTILATOR_BIND, "push")
service.reportStats(() => ({ sent: producer.lastSeq, lastSeq: producer.lastSeq, incarnation: producer.incarnation }))

// The first-joiner problem: PUSH deals only to the workers connected at the
// moment, so the first worker to connect takes a whole burst of tasks. The fix:
// wait until every expected worker has said it is connected and ready.
if (config.PIPELINE_WAIT_FOR_WORKERS > 0) {
  const ready = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.PIPELINE_READY_BIND, "ready")
  const inbox = new Inbox(service)
  const workers = new Set<string>()
  log.info("waiting", `waiting for ${config.PIPELINE_WAIT_FOR_WORKERS} worker(s) to be ready`, { workers: config.PIPELINE_WAIT_FOR_WORKERS })
  for await (const frames of ready) {
    const decoded = inbox.open(frames, { frames: 1 })
    if (!decoded.ok) continue
    workers.add(decoded.envelope.producer)
    log.info("worker-ready", `${decoded.envelope.producer} is ready (${workers.size} of ${config.PIPELINE_WAIT_FOR_WORKERS})`, {
      worker: decoded.envelope.producer,
      ready: workers.size,
    })
    if (workers.size >= config.PIPELINE_WAIT_FOR_WORKERS) break
  }
  // Done with it: left open and unread, it would take whatever a peer sends until its high-water mark.
  ready.close()
}
if (config.PIPELINE_START_DELAY_MS > 0) await service.pause(config.PIPELINE_START_DELAY_MS)

log.info("ventilating", `pushing tasks at ${config.PIPELINE_RATE}/s`, {
  rate: config.PIPELINE_RATE,
  incarnation: producer.incarnation,
  tasks: config.PIPELINE_TASKS,
})

const padding = config.PIPELINE_PAYLOAD_BYTES > 0 ? { padding: "x".repeat(config.PIPELINE_PAYLOAD_BYTES) } : {}
for await (const _ of ticks(service, config.PIPELINE_RATE)) {
  const envelope = producer.next<TaskBody>({
    taskId: producer.lastSeq + 1,
    workMs: randomBetween(config.PIPELINE_WORK_MS_MIN, config.PIPELINE_WORK_MS_MAX),
    ...padding,
  })
  const started = Date.now()
  try {
    await ventilator.send(encodeEnvelope(envelope))
  } catch (error) {
    if (isClosedError(ventilator, error)) break
    throw error
  }
  const waited = Date.now() - started
  if (waited >= BLOCKED_LOG_MS) log.warn("blocked", `send of task ${envelope.seq} waited ${waited} ms for a worker`, { seq: envelope.seq, waitedMs: waited })
  service.message("sent", `task ${envelope.seq}`, {
    stream: TASKS,
    seq: envelope.seq,
    incarnation: producer.incarnation,
    taskId: envelope.seq,
    workMs: envelope.body.workMs,
  })
  if (config.PIPELINE_TASKS > 0 && envelope.seq >= config.PIPELINE_TASKS) break
}
if (!service.stopping) {
  log.info("done", `all ${producer.lastSeq} tasks pushed`, { sent: producer.lastSeq, lastSeq: producer.lastSeq })
  await idle(service)
}
