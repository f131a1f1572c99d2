// REQ/REP, the client: one request per interval, waits for the reply, logs the
// round-trip time. A plain REQ socket that loses a reply (the server died with
// the request in hand) waits forever and refuses to send again. So the client
// has a receive timeout, and on timeout it closes the socket and opens a new one
// before going on: the simplest Lazy Pirate (no resend of the lost request).
import { Request } from "zeromq"
import { endpoint, integer } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { connectSocket, isClosedError, isTimeoutError, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", {
  REQREP_CONNECT: endpoint("tcp://reqrep-server:5559"),
  REQREP_INTERVAL_MS: integer(500, { min: 1, max: 3_600_000 }),
  REQREP_TIMEOUT_MS: integer(2000, { min: 1, max: 3_600_000 }),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
let replies = 0
let timeouts = 0
let unexpected = 0

const openSocket = () =>
  connectSocket(service, new Request({ ...socketOptions(config, "both"), receiveTimeout: config.REQREP_TIMEOUT_MS }), config.REQREP_CONNECT, "req")

let client = openSocket()
service.reportStats(() => ({ ...inbox.stats(), sent: producer.lastSeq, replies, timeouts, unexpected }))

for await (const _ of ticks(service, 1000 / config.REQREP_INTERVAL_MS)) {
  const request = producer.next({ question: `request ${producer.lastSeq + 1}` })
  const started = performance.now()
  try {
    await client.send(encodeEnvelope(request))
    service.message("sent", `request seq ${request.seq}`, { seq: request.seq })
    const decoded = inbox.accept(await client.receive(), { frames: 1 })
    if (!decoded.ok) continue
    const reply = decoded.envelope
    if (reply.inReplyTo?.producer !== service.name || reply.inReplyTo.seq !== request.seq) {
      unexpected += 1
      log.warn("unexpected-reply", `reply seq ${reply.seq} does not answer request ${request.seq}`, { seq: reply.seq, inReplyTo: reply.inReplyTo, expected: request.seq })
      continue
    }
    replies += 1
    const rttMs = Math.round((performance.now() - started) * 100) / 100
    service.message("received", `reply to request ${request.seq} in ${rttMs} ms`, { producer: reply.producer, seq: reply.seq, inReplyTo: reply.inReplyTo, rttMs, body: reply.body })
  } catch (error) {
    if (service.stopping || (isClosedError(client, error) && !isTimeoutError(error))) break
    if (!isTimeoutError(error)) throw error
    timeouts += 1
    log.warn("timeout", `no reply to request ${request.seq} within ${config.REQREP_TIMEOUT_MS} ms: reopening the socket`, { seq: request.seq, timeoutMs: config.REQREP_TIMEOUT_MS })
    // The REQ socket now waits for a reply that will never come: replace it.
    client.close()
    client = openSocket()
  }
}
