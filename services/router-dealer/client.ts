// ROUTER/DEALER, the client: a DEALER sends requests at a steady rate without
// waiting for replies (unlike REQ, it is not lockstep), so many are in flight at
// once and replies come back in any order. Each request is a promise in
// PendingRequests; a reply is matched by its inReplyTo.seq, a lost one is
// rejected by its own timeout and logged with its id. This client does not
// retry: a request timed out is lost (a reply that comes later is logged as
// late, and does not make it answered).
import { Dealer } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, EMPTY, type Envelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { idle, pastDeadline, ticks } from "../../shared/pace.js"
import { RoundTrips } from "../../shared/round-trips.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, isClosedError, socketOptions } from "../../shared/sockets.js"
import { PendingRequests, RequestTimeout } from "./pending.js"

const service = startService(
  "router-dealer",
  pick(
    "ROUTER_DEALER_FRONTEND_CONNECT",
    "ROUTER_DEALER_RATE",
    "ROUTER_DEALER_TIMEOUT_MS",
    "ROUTER_DEALER_BURST",
    "ROUTER_DEALER_MAX_PENDING",
    "ROUTER_DEALER_PAYLOAD_BYTES",
    "ROUTER_DEALER_REQUESTS",
    "ROUTER_DEALER_CLIENT_IDENTITY",
  ),
)
const { config, log } = service

const REQUESTS = "requests"
const producer = service.producer(REQUESTS, "request-reply")
const inbox = new Inbox(service)
const pending = new PendingRequests()
const identity = config.ROUTER_DEALER_CLIENT_IDENTITY ? { routingId: config.ROUTER_DEALER_CLIENT_IDENTITY } : {}
const client = connectSocket(service, new Dealer({ ...socketOptions(config, "both"), ...identity }), config.ROUTER_DEALER_FRONTEND_CONNECT, "dealer")
const counts = { requests: 0, answered: 0, lost: 0, lateReplies: 0, unexpected: 0, abandoned: 0 }

const roundTrips = new RoundTrips()
service.reportStats(() => ({ ...counts, pending: pending.size, badMessages: inbox.badMessages, ...roundTrips.take() }))
service.onStop(() => {
  const ids = pending.abandonAll()
  counts.abandoned += ids.length
  if (ids.length > 0)
    log.warn("abandoned", `${ids.length} request(s) still awaited their reply when the client stopped`, {
      stream: REQUESTS,
      incarnation: producer.incarnation,
      ids,
    })
})

// Replies: [empty delimiter, envelope], the way a REP worker's reply comes back
// through the broker.
void eachMessage(service, client, ([delimiter, ...rest]) => {
  if (delimiter === undefined || delimiter.length !== 0) return inbox.reject("frame-count", "reply must start with an empty delimiter frame")
  const decoded = inbox.open(rest, { frames: 1 })
  if (!decoded.ok) return
  const reply = decoded.envelope
  const id = reply.inReplyTo?.seq
  const settled = id === undefined || reply.inReplyTo?.producer !== service.name ? "unknown" : pending.resolve(id, reply)
  if (settled === "late") {
    counts.lateReplies += 1
    log.warn("late-reply", `reply to request ${id} came after the client gave up on it (its timeout, or shutdown)`, {
      id,
      seq: reply.seq,
      producer: reply.producer,
    })
  } else if (settled === "unknown") {
    counts.unexpected += 1
    log.warn("unexpected-reply", `reply seq ${reply.seq} answers no request of ours`, { seq: reply.seq, inReplyTo: reply.inReplyTo, body: reply.body })
  }
})

/** Waits for the reply to request `id` (not awaited by the send loop). */
async function awaitReply(id: number, answered: Promise<Envelope>, started: number): Promise<void> {
  try {
    const reply = await answered
    counts.answered += 1
    const rttMs = Math.round((performance.now() - started) * 100) / 100
    roundTrips.record(performance.now() - started)
    service.message("received", `reply to request ${id} in ${rttMs} ms`, {
      id,
      producer: reply.producer,
      incarnation: reply.incarnation,
      seq: reply.seq,
      inReplyTo: reply.inReplyTo,
      rttMs,
      body: reply.body,
    })
  } catch (error) {
    if (error instanceof RequestTimeout) {
      counts.lost += 1
      log.warn("timeout", `no reply to request ${id} within ${error.timeoutMs} ms`, { id, seq: id, timeoutMs: error.timeoutMs })
    }
  }
}

const padding = config.ROUTER_DEALER_PAYLOAD_BYTES > 0 ? { padding: "x".repeat(config.ROUTER_DEALER_PAYLOAD_BYTES) } : {}
const allSent = () => (config.ROUTER_DEALER_REQUESTS > 0 && producer.lastSeq >= config.ROUTER_DEALER_REQUESTS) || pastDeadline(service)
for await (const _ of ticks(service, config.ROUTER_DEALER_RATE)) {
  if (allSent()) break
  for (let n = 0; n < config.ROUTER_DEALER_BURST && !service.stopping && !allSent(); n++) {
    if (config.ROUTER_DEALER_MAX_PENDING > 0) await pending.fewerThan(config.ROUTER_DEALER_MAX_PENDING)
    if (service.stopping) break
    const envelope = producer.next({ question: `request ${producer.lastSeq + 1}`, ...padding })
    const id = envelope.seq
    counts.requests += 1
    const answered = pending.add(id, config.ROUTER_DEALER_TIMEOUT_MS)
    void awaitReply(id, answered, performance.now())
    try {
      // Sends are awaited one at a time (one send in progress per socket); the
      // replies are awaited concurrently, each by its own promise.
      await client.send([EMPTY, encodeEnvelope(envelope)])
    } catch (error) {
      if (isClosedError(client, error)) break
      throw error
    }
    service.message("sent", `request ${id}`, { stream: REQUESTS, seq: id, incarnation: producer.incarnation, id, pending: pending.size })
  }
}

if (!service.stopping) {
  // Done when every request is answered or timed out.
  await pending.settled()
  log.info("done", `all ${producer.lastSeq} requests made: ${counts.answered} answered, ${counts.lost} lost`, {
    requests: producer.lastSeq,
    answered: counts.answered,
    lost: counts.lost,
  })
  await idle(service)
}
