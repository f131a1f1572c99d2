// PUB/SUB over UDP, the radio: RADIO/DISH, zeromq's draft sockets for
// datagrams. It sends each numbered message once to the dish, in the group
// named by the topic. UDP retransmits nothing: a datagram lost on the way is
// lost to the application, and the dish's live view counts it (compare the
// TCP publisher under the same packet loss: network-loss-udp).
import { Radio } from "zeromq/draft.js"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { idle, ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { connectSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("pubsub", pick("PUBSUB_UDP_CONNECT", "PUBSUB_TOPIC", "PUBSUB_RATE"))
const { config, log } = service

const producer = service.producer(config.PUBSUB_TOPIC, "fan-out")
const radio = connectSocket(service, new Radio(socketOptions(config, "send")), config.PUBSUB_UDP_CONNECT, "radio")
service.reportStats(() => ({ sent: producer.lastSeq, lastSeq: producer.lastSeq, incarnation: producer.incarnation }))
log.info("publishing", `sending group "${config.PUBSUB_TOPIC}" over UDP at ${config.PUBSUB_RATE}/s`, {
  topic: config.PUBSUB_TOPIC,
  rate: config.PUBSUB_RATE,
  incarnation: producer.incarnation,
})

for await (const n of ticks(service, config.PUBSUB_RATE)) {
  const envelope = producer.next({ n })
  await radio.send(encodeEnvelope(envelope), { group: config.PUBSUB_TOPIC })
  service.message("sent", `sent seq ${envelope.seq}`, {
    stream: config.PUBSUB_TOPIC,
    seq: envelope.seq,
    incarnation: producer.incarnation,
    topic: config.PUBSUB_TOPIC,
  })
}
if (!service.stopping) {
  log.info("done", `made ${producer.lastSeq} messages`, { stream: config.PUBSUB_TOPIC, incarnation: producer.incarnation, lastSeq: producer.lastSeq })
  await idle(service)
}
