// PUB/SUB over UDP, the dish: binds a DISH socket, joins the group named by the
// topic, and judges what arrives like the TCP subscriber does (its live view
// of the stream: `gap` for what never came). There is no subscription
// handshake over UDP, so no join: everything from seq 1 is due, and the dish
// starts before the radio.
import { Dish } from "zeromq/draft.js"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, isClosedError, socketOptions } from "../../shared/sockets.js"

const service = startService("pubsub", pick("PUBSUB_UDP_BIND", "PUBSUB_TOPIC"))
const { config } = service

// Datagrams come in order or not at all: a missing number is lost after a short grace.
const inbox = new Inbox(service, { promise: "fan-out", joinWaitMs: 0, graceMs: 500 })
const dish = await bindSocket(service, new Dish(socketOptions(config, "receive")), config.PUBSUB_UDP_BIND, "dish")
dish.join(config.PUBSUB_TOPIC)
service.reportStats(() => inbox.stats())
const expiry = setInterval(() => inbox.expire(), 500)
service.onStop(() => clearInterval(expiry))

try {
  for await (const [message, { group }] of dish) {
    const decoded = inbox.open([message], { frames: 1 })
    if (!decoded.ok) continue
    const { envelope } = decoded
    const ref = { producer: envelope.producer, incarnation: envelope.incarnation, stream: envelope.stream ?? group.toString("utf8") }
    inbox.track(ref, envelope.seq)
    service.message("received", `seq ${envelope.seq} from ${envelope.producer}`, {
      ...ref,
      seq: envelope.seq,
      topic: group.toString("utf8"),
      latencyMs: Date.now() - envelope.sentAt,
    })
  }
} catch (error) {
  if (!isClosedError(dish, error)) throw error
}
