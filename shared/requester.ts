// The requesting side of request/reply, shared by the REQ/REP client and the
// Lazy Pirate's: one request per interval on a REQ socket, the reply awaited,
// its round-trip time logged. A plain REQ socket that loses a reply (the server
// died with the request in hand) waits forever and refuses to send again; with
// a receive timeout the requester closes the socket and opens a new one. Then
// either it goes on with the next request (retries 0: that request is lost), or
// it resends the same request, up to `retries` times, each on a new socket,
// waiting `retryBackoffMs` × 2^(n-1) before retry n, and gives up cleanly
// (`give-up`, exit 0) after the last: the Lazy Pirate.
//
// A request is one number of the client's "requests" stream however often it
// is tried: each try is logged as `sent` with its attempt, and the request is
// lost only when no try was answered.
import { Request } from "zeromq"
import { encodeEnvelope, type Envelope } from "./envelope.js"
import { Inbox } from "./inbox.js"
import { RoundTrips } from "./round-trips.js"
import { idle, ticks } from "./pace.js"
import type { Service } from "./service.js"
import { connectSocket, isClosedError, isTimeoutError, requestOptions } from "./sockets.js"

const LOCKSTEP_PROBE_MS = 500
const REQUESTS = "requests"

export interface RequesterOptions {
  connect: string
  intervalMs: number
  /** 0: no timeout at all (the naive client, stuck for good after a lost reply). */
  timeoutMs: number
  /** Resend a timed-out request this many times, then give up (0: never resend, go on). */
  retries: number
  /** Before retry n, wait this × 2^(n-1) ms (0: retry at once). */
  retryBackoffMs: number
  /** Stop after this many requests (0: never; PRODUCE_UNTIL also stops it). */
  requests: number
  /** The body of every request (null: {"question": "request <n>"}). */
  body: Record<string, unknown> | null
  /** Padding added to each request's body (the bench's message sizes). */
  payloadBytes?: number
  /** Once, at start: try a second send before the first reply, to show REQ refusing it. */
  showLockstep?: boolean
}

/** Runs the requester until the service stops (or gives up). */
export async function runRequester(service: Service<unknown>, options: RequesterOptions): Promise<void> {
  const { log } = service
  const producer = service.producer(REQUESTS, "request-reply")
  const inbox = new Inbox(service)
  const counts = { requests: 0, tries: 0, retries: 0, answered: 0, timeouts: 0, lost: 0, unexpected: 0 }
  /** The request waiting for its reply, if any: abandoned if the client stops now. */
  let inFlight: number | undefined

  const openSocket = () =>
    connectSocket(service, new Request({ ...requestOptions(service.config), receiveTimeout: options.timeoutMs || -1 }), options.connect, "req")

  let client = openSocket()
  const roundTrips = new RoundTrips()
  service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages, ...roundTrips.take() }))
  service.onStop(() => {
    if (inFlight === undefined) return
    log.warn("abandoned", `request ${inFlight} still awaited its reply when the client stopped`, {
      stream: REQUESTS,
      incarnation: producer.incarnation,
      ids: [inFlight],
    })
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
    service.message("sent", `request seq ${request.seq}${attemptNo > 0 ? ` (retry ${attemptNo})` : ""}`, {
      stream: REQUESTS,
      seq: request.seq,
      incarnation: producer.incarnation,
      attempt: attemptNo,
    })
    if (options.showLockstep && request.seq === 1 && attemptNo === 0) await showLockstep(request)
    try {
      const decoded = inbox.open(await client.receive(), { frames: 1 })
      if (!decoded.ok) return "invalid"
      const reply = decoded.envelope
      if (reply.inReplyTo?.producer !== service.name || reply.inReplyTo.seq !== request.seq) {
        counts.unexpected += 1
        log.warn("unexpected-reply", `reply seq ${reply.seq} does not answer request ${request.seq}`, {
          seq: reply.seq,
          inReplyTo: reply.inReplyTo,
          expected: request.seq,
        })
        return "invalid"
      }
      const rttMs = Math.round((performance.now() - started) * 100) / 100
      roundTrips.record(performance.now() - started)
      service.message("received", `reply to request ${request.seq} in ${rttMs} ms`, {
        producer: reply.producer,
        incarnation: reply.incarnation,
        seq: reply.seq,
        inReplyTo: reply.inReplyTo,
        rttMs,
        attempt: attemptNo,
        body: reply.body,
      })
      counts.answered += 1
      return reply
    } catch (error) {
      if (!isTimeoutError(error)) throw error
      counts.timeouts += 1
      // A strict REQ now waits for a reply that will never come: replace it. A
      // relaxed one (REQ_RELAXED) may simply send again; with REQ_CORRELATE a
      // late reply to the old request is dropped by ZeroMQ, not taken for the new one.
      const relaxed = service.config.REQ_RELAXED
      log.warn(
        "timeout",
        `no reply to request ${request.seq} within ${options.timeoutMs} ms: ${relaxed ? "sending on the same socket (REQ_RELAXED)" : "reopening the socket"}`,
        {
          seq: request.seq,
          timeoutMs: options.timeoutMs,
          attempt: attemptNo,
          reopened: !relaxed,
        },
      )
      if (!relaxed) {
        client.close()
        client = openSocket()
      }
      return "timeout"
    }
  }

  const padding = options.payloadBytes ? { padding: "x".repeat(options.payloadBytes) } : {}
  try {
    for await (const _ of ticks(service, 1000 / options.intervalMs)) {
      const request = producer.next({ ...(options.body ?? { question: `request ${producer.lastSeq + 1}` }), ...padding })
      counts.requests += 1
      inFlight = request.seq
      for (let attemptNo = 0; ; attemptNo++) {
        const outcome = await attempt(request, attemptNo)
        if (outcome === "invalid") counts.lost += 1 // REQ took it as the reply: no valid answer will come
        if (outcome !== "timeout") break
        if (options.retries === 0) {
          // The plain client goes on with the next request: this one is lost.
          counts.lost += 1
          break
        }
        if (attemptNo >= options.retries) {
          counts.lost += 1
          inFlight = undefined
          log.warn("give-up", `no reply to request ${request.seq} after ${attemptNo} retries: the server seems to be down, giving up`, {
            seq: request.seq,
            retries: attemptNo,
          })
          await service.stop("gave up")
        }
        counts.retries += 1
        // Back off: a server that is restarting should not meet a storm of retries.
        if (options.retryBackoffMs > 0) await service.pause(options.retryBackoffMs * 2 ** attemptNo)
      }
      inFlight = undefined
      if (options.requests > 0 && request.seq >= options.requests) break
    }
    if (!service.stopping) {
      log.info("done", `all ${producer.lastSeq} requests made: ${counts.answered} answered, ${counts.lost} lost`, {
        requests: producer.lastSeq,
        answered: counts.answered,
        lost: counts.lost,
      })
      // Stay up, idle, until stopped: the run decides when it ends.
      await idle(service)
    }
  } catch (error) {
    if (!service.stopping && !isClosedError(client, error)) throw error
  }
}
