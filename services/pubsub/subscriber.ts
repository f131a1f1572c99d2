// PUB/SUB, the subscriber: connects to the publisher by its Compose hostname and
// subscribes to one topic. ZeroMQ reconnects on its own when the publisher
// comes back. The publisher's welcome says where this subscriber's promise
// begins (`joined`); from there, its live view of the stream tells what was
// lost (`gap`) and that the publisher is a new process (`producer-restart`).
// `pubsub-late-subscriber` is this same program, started later.
import { Subscriber } from "zeromq"
import { pick } from "../../shared/config.js"
import { subscribe, takeWelcome } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("pubsub", pick("PUBSUB_CONNECT", "PUBSUB_TOPIC", "PUBSUB_PROCESS_MS", "PUBSUB_MAX_LAG_MS"))
const { config, log } = service

// A publisher that sends no welcome (not this lab's): after this long, everything from seq 1 counts as due.
const JOIN_WAIT_MS = 3000
const inbox = new Inbox(service, { promise: "fan-out", joinWaitMs: JOIN_WAIT_MS })
const subscriber = connectSocket(service, new Subscriber(socketOptions(config, "receive")), config.PUBSUB_CONNECT, "sub")
subscribe(service, subscriber, [config.PUBSUB_TOPIC])

service.reportStats(() => inbox.stats())
const expiry = setInterval(() => inbox.expire(), 1000)
service.onStop(() => clearInterval(expiry))

/** A body that announces `bytes` of padding must carry exactly that many: whole, never cut. */
function cutShort(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("bytes" in body)) return undefined
  const { bytes, padding } = body as { bytes: unknown; padding: unknown }
  const length = typeof padding === "string" ? padding.length : -1
  return length === bytes ? undefined : `partial message: ${length} of ${String(bytes)} announced bytes`
}

await eachMessage(service, subscriber, async frames => {
  const decoded = inbox.open(frames, { frames: 2 })
  if (!decoded.ok) return
  const { envelope } = decoded
  const topic = frames[0]!.toString("utf8")
  if (takeWelcome(service, inbox, topic, envelope)) return
  const partial = cutShort(envelope.body)
  if (partial) return inbox.reject("bad-body", partial, { producer: envelope.producer, seq: envelope.seq })
  const ref = { producer: envelope.producer, incarnation: envelope.incarnation, stream: envelope.stream ?? topic }
  inbox.track(ref, envelope.seq)
  const payloadBytes = (envelope.body as { bytes?: number } | null)?.bytes ?? 0
  const latencyMs = Date.now() - envelope.sentAt
  service.message("received", `seq ${envelope.seq} from ${envelope.producer}`, { ...ref, seq: envelope.seq, topic, payloadBytes, latencyMs })
  if (config.PUBSUB_MAX_LAG_MS > 0 && latencyMs > config.PUBSUB_MAX_LAG_MS) {
    // Containers share the host's clock, so sentAt is comparable with ours.
    log.error(
      "too-slow",
      `seq ${envelope.seq} arrived ${latencyMs} ms after it was sent (limit ${config.PUBSUB_MAX_LAG_MS} ms): this subscriber cannot keep up and stops, rather than lose messages unseen`,
      {
        producer: envelope.producer,
        seq: envelope.seq,
        lagMs: latencyMs,
        maxLagMs: config.PUBSUB_MAX_LAG_MS,
        ...inbox.stats(),
      },
    )
    await service.stop("too slow", 3)
  }
  if (config.PUBSUB_PROCESS_MS > 0) await service.pause(config.PUBSUB_PROCESS_MS)
})
