// PUB/SUB, the publisher: binds and publishes [topic, envelope] at a steady rate.
// It never waits for subscribers: with none connected, or one whose queue is at
// the high-water mark, ZeroMQ drops the message. That is the pattern's contract,
// and the subscribers' figures show it.
//
// The socket is an XPUB, so the publisher sees every subscription arrive: it
// logs who subscribes and when, and tells each subscriber after which seq its
// subscription was in place (shared/fanout.ts), so that the messages it sent
// before are counted as "before join", not as lost. Anything else a peer sends
// upstream is reported as a bad message instead of vanishing.
import { XPublisher } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { Publishing } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { idle, ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { bindSocket, xpubOptions } from "../../shared/sockets.js"

const service = startService("pubsub", pick("PUBSUB_BIND", "PUBSUB_TOPIC", "PUBSUB_RATE", "PUBSUB_PAYLOAD_BYTES", "PUBSUB_START_DELAY_MS"))
const { config, log } = service

// The data stream is named after its topic.
const producer = service.producer(config.PUBSUB_TOPIC, "fan-out")
const inbox = new Inbox(service)
const socket = await bindSocket(service, new XPublisher(xpubOptions(config)), config.PUBSUB_BIND, "pub")
const publishing = new Publishing(service, socket, inbox, () => [
  { stream: config.PUBSUB_TOPIC, topic: config.PUBSUB_TOPIC, incarnation: producer.incarnation, afterSeq: producer.lastSeq },
])
void publishing.run()

service.reportStats(() => ({
  sent: producer.lastSeq,
  lastSeq: producer.lastSeq,
  incarnation: producer.incarnation,
  subscriptions: publishing.subscriptions,
  badMessages: inbox.badMessages,
}))

const topic = Buffer.from(config.PUBSUB_TOPIC)
const paddings = config.PUBSUB_PAYLOAD_BYTES.map(bytes => "x".repeat(bytes))
if (config.PUBSUB_START_DELAY_MS > 0) await service.pause(config.PUBSUB_START_DELAY_MS)
log.info("publishing", `publishing on topic "${config.PUBSUB_TOPIC}" at ${config.PUBSUB_RATE}/s`, {
  topic: config.PUBSUB_TOPIC,
  rate: config.PUBSUB_RATE,
  incarnation: producer.incarnation,
})

for await (const n of ticks(service, config.PUBSUB_RATE)) {
  const padding = paddings[(n - 1) % paddings.length]!
  // `bytes` announces the padding's length, so a subscriber can tell a whole message from a cut one.
  const envelope = producer.next(padding ? { n, bytes: padding.length, padding } : { n })
  // Numbered and queued in one step (no await between): see shared/fanout.ts.
  try {
    await publishing.publish([topic, encodeEnvelope(envelope)])
  } catch (error) {
    // Stopped while waiting to send (XPUB_NODROP at the high-water mark): this one never left, and is not logged as sent.
    if (service.stopping) break
    throw error
  }
  service.message("sent", `published seq ${envelope.seq}`, {
    stream: config.PUBSUB_TOPIC,
    seq: envelope.seq,
    incarnation: producer.incarnation,
    topic: config.PUBSUB_TOPIC,
    payloadBytes: padding.length,
  })
}

if (!service.stopping) {
  log.info("done", `published ${producer.lastSeq} messages: PRODUCE_UNTIL reached`, {
    stream: config.PUBSUB_TOPIC,
    incarnation: producer.incarnation,
    lastSeq: producer.lastSeq,
  })
  await idle(service)
}
