// PUB/SUB, the subscriber: connects to the publisher by its Compose hostname and
// subscribes to one topic. ZeroMQ reconnects on its own when the publisher
// comes back; the sequence tracker tells what was lost meanwhile (`gap`) and
// that the publisher is a new process (`producer-restart`).
// `pubsub-late-subscriber` is this same program, started later.
import { Subscriber } from "zeromq"
import { endpoint, text } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("pubsub", {
  PUBSUB_CONNECT: endpoint("tcp://pubsub-publisher:5556"),
  PUBSUB_TOPIC: text("ticks"),
})
const { config } = service

const inbox = new Inbox(service)
const subscriber = connectSocket(service, new Subscriber(socketOptions(config, "receive")), config.PUBSUB_CONNECT, "sub")
subscriber.subscribe(config.PUBSUB_TOPIC)

service.reportStats(() => inbox.stats())

await eachMessage(service, subscriber, frames => {
  const decoded = inbox.accept(frames, { frames: 2 })
  if (!decoded.ok) return
  const { envelope } = decoded
  const topic = frames[0]!.toString("utf8")
  service.message("received", `seq ${envelope.seq} from ${envelope.producer}`, { producer: envelope.producer, seq: envelope.seq, topic, latencyMs: Date.now() - envelope.sentAt })
})
