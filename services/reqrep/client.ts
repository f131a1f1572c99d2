// REQ/REP, the client: one request per interval, waits for the reply, logs the
// round-trip time. A plain REQ socket that loses a reply (the server died with
// the request in hand) waits forever and refuses to send again. So the client
// has a receive timeout, and on timeout it closes the socket and opens a new one
// before going on: the simplest Lazy Pirate.
//
// Settings turn it into the other clients the scenarios compare:
// REQREP_TIMEOUT_MS=0 is the naive client (no timeout: stuck for good after a
// lost reply); REQREP_RETRIES=N resends a timed-out request N times, each on a
// new socket (waiting REQREP_RETRY_BACKOFF_MS, doubling, before each), then
// gives up and exits cleanly: the Lazy Pirate.
//
// A request is one number of the client's "requests" stream however often it
// is tried: each try is logged as `sent` with its attempt, and the request is
// lost only when no try was answered (the client gave up on it).
import { Request } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, type Envelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { idle, ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { connectSocket, isClosedError, isTimeoutError, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", pick("REQREP_CONNECT", "REQREP_INTERVAL_MS", "REQREP_TIMEOUT_MS", "REQREP_RETRIES", "REQREP_SHOW_LOCKSTEP", "REQREP_RETRY_BACKOFF_MS", "REQREP_REQUESTS", "REQREP_BODY"))
const { config, log } = service

const LOCKSTEP_PROBE_MS = 500
const REQUESTS = "requests"
const producer = service.producer(REQUESTS, "request-reply")
const inbox = new Inbox(service)
const counts = { requests: 0, tries: 0, retries: 0, answered: 0, timeouts: 0, lost: 0, unexpected: 0 }
/** The request waiting for its reply, if any: abandoned if the client stops now. */
let inFlight: number | undefined

const openSocket = () =>
  connectSocket(service, new Request({ ...socketOptions(config, "both"), receiveTimeout: config.REQREP_TIMEOUT_MS || -1 }), config.REQREP_CONNECT, "req")

let client = openSocket()
service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages }))
service.onStop(() => {
  if (inFlight === undefined) return
  log.warn("abandoned", `request ${inFlight} still awaited its reply when the client stopped`, { stream: REQUESTS, incarnation: producer.incarnation, ids: [inFlight] })
})

/** REQ is lockstep: a second send before the reply is refused (EFSM). */
async function showLockstep(request: Envelope): Promise<void> {
  // zeromq.js does not fail such a send at once: it waits for the socket to be
  // writable, which a REQ awaiting its reply never is, and reports EFSM when
  // the send timeout runs out. So the probe bounds it.
  client.sendTimeout = LOCKSTEP_PROBE_MS
  try {
    // Not numbered: it is expected to be refused, and must not leave a gap in our seq.
    await client.send(encodeEnvelope({ ...request, body: { question: "a second request before the first reply" } }))
    log.warn("lockstep", "a second send before the reply was accepted")
  } catch (error) {
    const code = (error as { code?: string }).code
    log.info("refused", `a second send before the reply was refused: ${code ?? String(error)}`, { code })
  } finally {
    client.sendTimeout = -1
  }
}

/** One attempt: send, wait for the reply. Returns the reply, or "timeout". */
async function attempt(request: Envelope, attemptNo: number): Promise<Envelope | "timeout" | "invalid"> {
  const started = performance.now()
  await client.send(encodeEnvelope(request))
  counts.tries += 1
  service.message("sent", `request seq ${request.seq}${attemptNo > 0 ? ` (retry ${attemptNo})` : ""}`, { stream: REQUESTS, seq: request.seq, incarnation: producer.incarnation, attempt: attemptNo })
  if (config.REQREP_SHOW_LOCKSTEP && request.seq === 1 && attemptNo === 0) await showLockstep(request)
  try {
    const decoded = inbox.open(await client.receive(), { frames: 1 })
    if (!decoded.ok) return "invalid"
    const reply = decoded.envelope
    if (reply.inReplyTo?.producer !== service.name || reply.inReplyTo.seq !== request.seq) {
      counts.unexpected += 1
      log.warn("unexpected-reply", `reply seq ${reply.seq} does not answer request ${request.seq}`, { seq: reply.seq, inReplyTo: reply.inReplyTo, expected: request.seq })
      return "invalid"
    }
    const rttMs = Math.round((performance.now() - started) * 100) / 100
    service.message("received", `reply to request ${request.seq} in ${rttMs} ms`, { producer: reply.producer, incarnation: reply.incarnation, seq: reply.seq, inReplyTo: reply.inReplyTo, rttMs, attempt: attemptNo, body: reply.body })
    counts.answered += 1
    return reply
  } catch (error) {
    if (!isTimeoutError(error)) throw error
    counts.timeouts += 1
    log.warn("timeout", `no reply to request ${request.seq} within ${config.REQREP_TIMEOUT_MS} ms: reopening the socket`, { seq: request.seq, timeoutMs: config.REQREP_TIMEOUT_MS, attempt: attemptNo })
    // The REQ socket now waits for a reply that will never come: replace it.
    client.close()
    client = openSocket()
    return "timeout"
  }
}

try {
  for await (const _ of ticks(service, 1000 / config.REQREP_INTERVAL_MS)) {
    const request = producer.next(config.REQREP_BODY ?? { question: `request ${producer.lastSeq + 1}` })
    counts.requests += 1
    inFlight = request.seq
    for (let attemptNo = 0; ; attemptNo++) {
      const outcome = await attempt(request, attemptNo)
      if (outcome === "invalid") counts.lost += 1 // REQ took it as the reply: no valid answer will come
      if (outcome !== "timeout") break
      if (config.REQREP_RETRIES === 0) {
        // The plain client goes on with the next request: this one is lost.
        counts.lost += 1
        break
      }
      if (attemptNo >= config.REQREP_RETRIES) {
        counts.lost += 1
        inFlight = undefined
        log.warn("give-up", `no reply to request ${request.seq} after ${attemptNo} retries: the server seems to be down, giving up`, { seq: request.seq, retries: attemptNo })
        await service.stop("gave up")
      }
      counts.retries += 1
      // Back off: a server that is restarting should not meet a storm of retries.
      if (config.REQREP_RETRY_BACKOFF_MS > 0) await service.pause(config.REQREP_RETRY_BACKOFF_MS * 2 ** attemptNo)
    }
    inFlight = undefined
    if (config.REQREP_REQUESTS > 0 && request.seq >= config.REQREP_REQUESTS) break
  }
  if (!service.stopping) {
    log.info("done", `all ${producer.lastSeq} requests made: ${counts.answered} answered, ${counts.lost} lost`, { requests: producer.lastSeq, answered: counts.answered, lost: counts.lost })
    // Stay up, idle, until stopped: the run decides when it ends.
    await idle(service)
  }
} catch (error) {
  if (!service.stopping && !isClosedError(client, error)) throw error
}
