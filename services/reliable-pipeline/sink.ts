// Reliable pipeline, the sink: takes each task's result once. A result whose
// task id it has already delivered (the ventilator sent the task again) is
// dropped as a duplicate, and acknowledged again: the first ack may be the one
// that was lost. Delivered ids are journaled before the ack goes out, so a
// killed sink still recognizes duplicates after its restart.
import { Pull, Push } from "zeromq"
import { endpoint, text } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { startService } from "../../shared/service.js"
import { bindSocket, connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("reliable-pipeline", {
  RPIPE_SINK_BIND: endpoint("tcp://*:5572"),
  RPIPE_ACKS_CONNECT: endpoint("tcp://rpipe-ventilator:5571"),
  RPIPE_SINK_JOURNAL: text("/state/sink.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const journal = new Journal<{ delivered: number }>(config.RPIPE_SINK_JOURNAL)
const delivered = new Set(journal.entries().map(entry => entry.delivered))
let duplicatesDropped = 0
log.info("ledger", `${delivered.size} task(s) delivered before this start`, { delivered: delivered.size })

const results = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.RPIPE_SINK_BIND, "pull")
const acks = connectSocket(service, new Push(socketOptions(config, "send")), config.RPIPE_ACKS_CONNECT, "acks")
service.reportStats(() => ({ ...inbox.stats(), delivered: delivered.size, duplicatesDropped }))

await eachMessage(service, results, async frames => {
  const decoded = inbox.accept(frames, { frames: 1 })
  if (!decoded.ok) return
  const taskId = (decoded.envelope.body as { taskId?: unknown }).taskId
  if (!Number.isSafeInteger(taskId)) return inbox.reject("a result body must carry a taskId", { producer: decoded.envelope.producer })
  const id = taskId as number
  if (delivered.has(id)) {
    duplicatesDropped += 1
    log.info("duplicate-dropped", `task ${id} was delivered before: dropped, acknowledged again`, { taskId: id, producer: decoded.envelope.producer })
  } else {
    journal.append({ delivered: id })
    delivered.add(id)
    // Always logged: this is the application receiving the task, which the checker counts.
    log.info("delivered", `task ${id} delivered (from ${decoded.envelope.producer})`, { taskId: id, producer: decoded.envelope.producer })
  }
  await acks.send(encodeEnvelope(producer.next({ acks: [id] })))
})
