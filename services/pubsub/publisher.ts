// PUB/SUB, the publisher: binds and publishes [topic, envelope] at a steady rate.
// It never waits for subscribers: with none connected, or one whose queue is at
// the high-water mark, ZeroMQ drops the message. That is the pattern's contract,
// and the subscribers' gap counts show it.
//
// The socket is an XPUB so the publisher can log who subscribes and when (the
// late subscriber's arrival is visible here), and so anything else a peer sends
// upstream is seen and reported as a bad message instead of vanishing.
import { XPublisher } from "zeromq"
import { decimal, endpoint, integers, text } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("pubsub", {
  PUBSUB_BIND: endpoint("tcp://*:5556"),
  PUBSUB_TOPIC: text("ticks"),
  PUBSUB_RATE: decimal(10, { min: 0.01, max: 1_000_000 }),
  /** Padding per message; a list cycles (1,1024,1048576: every size in turn). */
  PUBSUB_PAYLOAD_BYTES: integers([0], { min: 0, max: 16_777_216 }),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const publisher = await bindSocket(service, new XPublisher(socketOptions(config, "both")), config.PUBSUB_BIND, "pub")
let subscriptions = 0

service.reportStats(() => ({ sent: producer.lastSeq, lastSeq: producer.lastSeq, incarnation: producer.incarnation, subscriptions, badMessages: inbox.badMessages }))

// Upstream: subscription messages are one frame, 0x01 (subscribe) or 0x00
// (unsubscribe) followed by the topic prefix.
void eachMessage(service, publisher, ([frame, ...extra]) => {
  const kind = frame?.[0]
  if (frame === undefined || extra.length > 0 || (kind !== 0 && kind !== 1)) {
    inbox.reject("upstream message is not a subscription", { frames: extra.length + (frame ? 1 : 0) })
    return
  }
  const topic = frame.subarray(1).toString("utf8")
  subscriptions += kind === 1 ? 1 : -1
  log.info(kind === 1 ? "subscribe" : "unsubscribe", `${kind === 1 ? "subscription to" : "unsubscription from"} topic "${topic}"`, { topic, subscriptions })
})

const topic = Buffer.from(config.PUBSUB_TOPIC)
const paddings = config.PUBSUB_PAYLOAD_BYTES.map(bytes => "x".repeat(bytes))
log.info("publishing", `publishing on topic "${config.PUBSUB_TOPIC}" at ${config.PUBSUB_RATE}/s`, { topic: config.PUBSUB_TOPIC, rate: config.PUBSUB_RATE, incarnation: producer.incarnation })

for await (const n of ticks(service, config.PUBSUB_RATE)) {
  const padding = paddings[(n - 1) % paddings.length]!
  // `bytes` announces the padding's length, so a subscriber can tell a whole message from a cut one.
  const envelope = producer.next(padding ? { n, bytes: padding.length, padding } : { n })
  await publisher.send([topic, encodeEnvelope(envelope)])
  service.message("sent", `published seq ${envelope.seq}`, { seq: envelope.seq, incarnation: producer.incarnation, topic: config.PUBSUB_TOPIC, payloadBytes: padding.length })
}
