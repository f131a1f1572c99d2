// Paranoid Pirate, a worker: a DEALER connected to the queue's backend. It
// says READY, then heartbeats every PARANOID_PIRATE_HEARTBEAT_MS, and answers requests one
// at a time. When the queue has been silent for PARANOID_PIRATE_LIVENESS intervals (killed,
// paused, cut off), the worker closes its socket, waits, and connects again
// with a new socket and a new READY, waiting twice as long after each silent
// connection (PARANOID_PIRATE_RECONNECT_MS up to PARANOID_PIRATE_RECONNECT_MAX_MS), so that a queue that
// is down is not stormed.
//
// With PARANOID_PIRATE_DEDUP the workers share a record of handled requests (a volume): a
// request resent by its client after a lost reply is answered with the
// recorded result, not handled again, whichever worker gets the resend. A
// request counts as handled once its work is done (shared/handled.ts).
import { Dealer } from "zeromq"
import { pick } from "../../shared/config.js"
import { EMPTY, encodeEnvelope, type Envelope } from "../../shared/envelope.js"
import { HandledRequests, handleOnce } from "../../shared/handled.js"
import { Inbox } from "../../shared/inbox.js"
import { always, answer, logReply } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, isClosedError, SendQueue, socketOptions } from "../../shared/sockets.js"
import { HEARTBEAT, READY, signalOf } from "./signals.js"

const service = startService(
  "paranoid-pirate",
  pick(
    "PARANOID_PIRATE_BACKEND_CONNECT",
    "PARANOID_PIRATE_HEARTBEAT_MS",
    "PARANOID_PIRATE_LIVENESS",
    "PARANOID_PIRATE_RECONNECT_MS",
    "PARANOID_PIRATE_RECONNECT_MAX_MS",
    "PARANOID_PIRATE_WORK_MS",
    "PARANOID_PIRATE_DEDUP",
    "PARANOID_PIRATE_HANDLED_DIR",
  ),
)
const { config, log } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const handled = config.PARANOID_PIRATE_DEDUP ? new HandledRequests(config.PARANOID_PIRATE_HANDLED_DIR, `${service.name}-${service.instance}`) : undefined
const counts = { connections: 0, queueSilences: 0, repliesUndelivered: 0 }
service.reportStats(() => ({ replies: producer.lastSeq, ...counts, badMessages: inbox.badMessages, ...(handled ? { recorded: handled.recorded } : {}) }))

const work = async (request: Envelope) => {
  await service.pause(config.PARANOID_PIRATE_WORK_MS)
  return { echo: request.body, servedBy: service.name }
}
const handle = handled ? handleOnce(handled, work) : always(work)
let backoffMs = config.PARANOID_PIRATE_RECONNECT_MS

/** One connection to the queue; resolves when the queue has gone silent or the service stops. */
function session(): Promise<void> {
  counts.connections += 1
  // A name of our own per connection, so the queue's logs say which worker it is.
  const routingId = `${service.name}.${producer.incarnation}.${counts.connections}`
  const socket = connectSocket(service, new Dealer({ ...socketOptions(config, "both"), routingId }), config.PARANOID_PIRATE_BACKEND_CONNECT, "dealer")
  const sends = new SendQueue(socket)
  const send = (frames: Buffer[]) =>
    sends.send(frames).catch((error: unknown) => {
      if (!isClosedError(socket, error)) throw error
    })
  let lastHeard = Date.now()
  // Requests are answered one at a time, but the socket is read all the time:
  // the queue's heartbeats are heard while a request is being worked on.
  let working = Promise.resolve()

  void send([READY])
  log.info("worker-ready", `connected as ${routingId}: READY sent`, { routingId })

  return new Promise<void>(resolve => {
    const end = () => {
      clearInterval(heartbeats)
      service.signal.removeEventListener("abort", end)
      if (!socket.closed) socket.close()
      resolve()
    }
    const heartbeats = setInterval(() => {
      const silentMs = Date.now() - lastHeard
      if (silentMs > config.PARANOID_PIRATE_HEARTBEAT_MS * config.PARANOID_PIRATE_LIVENESS) {
        counts.queueSilences += 1
        log.warn("queue-silent", `no word from the queue for ${silentMs} ms: reconnecting in ${backoffMs} ms`, { silentMs, backoffMs, routingId })
        end()
        return
      }
      void send([HEARTBEAT])
    }, config.PARANOID_PIRATE_HEARTBEAT_MS)
    service.signal.addEventListener("abort", end)

    void eachMessage(service, socket, frames => {
      lastHeard = Date.now()
      backoffMs = config.PARANOID_PIRATE_RECONNECT_MS
      if (signalOf(frames) === "heartbeat") return
      const [client, delimiter, ...request] = frames
      if (client === undefined || delimiter === undefined || delimiter.length !== 0) {
        return inbox.reject("frame-count", "a message from the queue must be HEARTBEAT or [client identity, empty delimiter, envelope]", {
          frames: frames.length,
        })
      }
      working = working
        .then(async () => {
          const reply = await answer(service, inbox, producer, request, handle)
          if (socket.closed) {
            counts.repliesUndelivered += 1
            log.warn(
              "reply-undelivered",
              `reply to request ${reply.inReplyTo?.seq ?? "?"} not sent: the connection to the queue was given up (its client will resend)`,
              { inReplyTo: reply.inReplyTo },
            )
            return
          }
          await send([client, EMPTY, encodeEnvelope(reply)])
          logReply(service, reply)
        })
        .catch((error: unknown) => log.error("handler-error", `failed to answer a request: ${String(error)}`))
    })
  })
}

while (!service.stopping) {
  await session()
  if (service.stopping) break
  await service.pause(backoffMs)
  backoffMs = Math.min(backoffMs * 2, config.PARANOID_PIRATE_RECONNECT_MAX_MS)
}
