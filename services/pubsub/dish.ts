// PUB/SUB over UDP, the dish: binds a DISH socket, joins the group named by the
// topic, and judges what arrives like the TCP subscriber does (its live view
// of the stream: `gap` for what never came). There is no subscription
// handshake over UDP, so no join: everything from seq 1 is due, and the dish
// starts before the radio. By default a guard owns the UDP port and passes on
// only datagrams libzmq can take (shared/udp-guard.ts: one datagram can abort
// a DISH); what it turns away is counted as `bad-message`.
import { Dish } from "zeromq/draft.js"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, socketOptions } from "../../shared/sockets.js"
import { startUdpGuard, udpPort } from "../../shared/udp-guard.js"

const service = startService("pubsub", pick("PUBSUB_UDP_BIND", "PUBSUB_UDP_GUARD", "PUBSUB_UDP_INNER_BIND", "PUBSUB_TOPIC"))
const { config } = service

// Datagrams come in order or not at all: a missing number is lost after a short grace.
const inbox = new Inbox(service, { promise: "fan-out", joinWaitMs: 0, graceMs: 500 })
// Guarded, the dish binds loopback behind the guard (shared/udp-guard.ts says why).
const endpoint = config.PUBSUB_UDP_GUARD ? config.PUBSUB_UDP_INNER_BIND : config.PUBSUB_UDP_BIND
const dish = await bindSocket(service, new Dish(socketOptions(config, "receive")), endpoint, "dish")
dish.join(config.PUBSUB_TOPIC)
const guard = config.PUBSUB_UDP_GUARD ? await startUdpGuard(service, inbox, udpPort(config.PUBSUB_UDP_BIND), config.PUBSUB_UDP_INNER_BIND) : undefined
service.reportStats(() => ({ ...inbox.stats(), ...(guard ? { guardPassed: guard.passed() } : {}) }))
const expiry = setInterval(() => inbox.expire(), 500)
service.onStop(() => clearInterval(expiry))

await eachMessage(service, dish, ([message, { group }]) => {
  const decoded = inbox.open([message], { frames: 1 })
  if (!decoded.ok) return
  const { envelope } = decoded
  const ref = { producer: envelope.producer, incarnation: envelope.incarnation, stream: envelope.stream ?? group.toString("utf8") }
  inbox.track(ref, envelope.seq)
  service.message("received", `seq ${envelope.seq} from ${envelope.producer}`, {
    ...ref,
    seq: envelope.seq,
    topic: group.toString("utf8"),
    latencyMs: Date.now() - envelope.sentAt,
  })
})
