// Reliable pipeline, the sink: takes each task's result once. A result whose
// task it has already delivered (the ventilator sent the task again) is
// dropped as a duplicate (`duplicate-dropped`), and acknowledged again: the
// first ack may be the one that was lost. Delivered tasks are journaled before
// the ack goes out, so a killed sink still recognizes duplicates after its
// restart. Its live view of the "tasks" stream declares a task missing for
// RELIABLE_PIPELINE_LOSS_GRACE_MS lost, and a resent one arriving later as late.
import { Pull, Push } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { startService } from "../../shared/service.js"
import { bindSocket, connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { isResultBody } from "../pipeline/task.js"

const service = startService(
  "reliable-pipeline",
  pick("RELIABLE_PIPELINE_SINK_BIND", "RELIABLE_PIPELINE_ACKS_CONNECT", "RELIABLE_PIPELINE_SINK_JOURNAL", "RELIABLE_PIPELINE_LOSS_GRACE_MS"),
)
const { config, log } = service

const producer = service.producer("acks")
const inbox = new Inbox(service, { promise: "load-balanced", graceMs: config.RELIABLE_PIPELINE_LOSS_GRACE_MS, startedAt: Date.now() })
const journal = new Journal<{ delivered: string }>(config.RELIABLE_PIPELINE_SINK_JOURNAL)
const delivered = new Set(journal.entries().map(entry => entry.delivered))
let duplicatesDropped = 0
log.info("ledger", `${delivered.size} task(s) delivered before this start`, { delivered: delivered.size })

const results = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.RELIABLE_PIPELINE_SINK_BIND, "pull")
const acks = connectSocket(service, new Push(socketOptions(config, "send")), config.RELIABLE_PIPELINE_ACKS_CONNECT, "acks")
const expiry = setInterval(() => inbox.expire(), 250)
service.onStop(() => clearInterval(expiry))
service.reportStats(() => ({ ...inbox.stats(), delivered: delivered.size, duplicatesDropped }))

await eachMessage(service, results, async frames => {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return
  const result = decoded.envelope
  if (!isResultBody(result.body))
    return inbox.reject("bad-body", "result body must be {taskId, task: {producer, incarnation, stream, seq, sentAt}}", { producer: result.producer })
  const { sentAt, ...ref } = result.body.task
  const key = `${ref.incarnation}/${ref.seq}`
  const where = { ...ref, taskId: ref.seq, worker: result.producer }
  if (delivered.has(key)) {
    duplicatesDropped += 1
    log.info("duplicate-dropped", `task ${ref.seq} was delivered before: dropped, acknowledged again`, where)
  } else {
    journal.append({ delivered: key })
    delivered.add(key)
    inbox.track(ref, ref.seq, sentAt)
    // Always logged: the application receiving the task, which the accounting counts.
    log.info("delivered", `task ${ref.seq} delivered (worked on by ${result.producer})`, where)
  }
  await acks.send(encodeEnvelope(producer.next({ acks: [ref.seq] })))
})
