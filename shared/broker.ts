// A ROUTER/DEALER broker: a ROUTER frontend for clients, a DEALER backend for
// REP workers. A request arrives as [client identity, empty, envelope]; the
// DEALER deals it to a worker as it is, the REP worker keeps the routing frames
// and returns them with its reply, and the ROUTER uses the identity to send the
// reply back to the client that asked. Used by `router-dealer-broker` and by the book's
// filer cluster.
//
// Every message is checked instead of a blind zmq_proxy, so garbage is answered
// with an error reply (frontend) or reported (backend) and never forwarded.
import type { Dealer, Router } from "zeromq"
import { EMPTY, encodeEnvelope, type Envelope, type Producer } from "./envelope.js"
import type { Inbox } from "./inbox.js"
import { errorBody } from "./replier.js"
import type { Service } from "./service.js"
import { describeIdentity, eachMessage, SendQueue } from "./sockets.js"

/** A client's request as a ROUTER frontend receives it, checked. */
export interface ClientRequest {
  client: Buffer
  envelope: Envelope
  /** The envelope frame as it came, to forward without re-encoding. */
  frame: Buffer
}

/** Answers a client with an error reply (its request was garbage or refused). */
export type Refuse = (client: Buffer, code: string, message: string) => Promise<void>

export function refuser(toClients: SendQueue, producer: Producer): Refuse {
  return (client, code, message) => toClients.send([client, EMPTY, encodeEnvelope(producer.next(errorBody(code, message)))])
}

/**
 * Checks a frontend message: [client identity, empty delimiter, envelope].
 * Garbage is logged and answered with an error reply, and yields undefined.
 */
export async function openClientRequest(frames: Buffer[], inbox: Inbox, refuse: Refuse): Promise<ClientRequest | undefined> {
  const [client, delimiter, ...rest] = frames
  if (client === undefined) return undefined
  const sender = describeIdentity(client)
  if (delimiter === undefined || delimiter.length !== 0) {
    inbox.reject("frame-count", "request must be [empty delimiter, envelope] (send it from a REQ or DEALER socket)", { sender })
    await refuse(client, "bad-message", "expected [empty delimiter, envelope]")
    return undefined
  }
  const decoded = inbox.open(rest, { frames: 1, sender })
  if (!decoded.ok) {
    await refuse(client, "bad-message", decoded.reason)
    return undefined
  }
  return { client, envelope: decoded.envelope, frame: rest[0]! }
}

/**
 * Checks a worker's reply, [client identity, empty delimiter, envelope], and
 * sends it on to its client. A reply for a client that is gone is counted as
 * unroutable and logged. Returns false for garbage (logged).
 */
export async function returnReply(
  service: Service<unknown>,
  frames: Buffer[],
  inbox: Inbox,
  toClients: SendQueue,
  counts: { replies: number; unroutable: number },
  sender?: string,
): Promise<boolean> {
  const [client, delimiter, ...reply] = frames
  const from = sender === undefined ? {} : { sender }
  if (client === undefined || delimiter === undefined || delimiter.length !== 0 || reply.length !== 1) {
    inbox.reject("frame-count", "a reply must be [client identity, empty delimiter, envelope]", { ...from, frames: frames.length })
    return false
  }
  const decoded = inbox.open(reply, { frames: 1, ...from })
  if (!decoded.ok) return false
  try {
    await toClients.send([client, EMPTY, reply[0]!])
    counts.replies += 1
  } catch (error) {
    // The client is gone (a Lazy Pirate reopens its socket on a timeout).
    counts.unroutable += 1
    service.log.warn("unroutable", `reply for client ${describeIdentity(client)} dropped: ${String(error)}`, {
      client: describeIdentity(client),
      seq: decoded.envelope.seq,
      inReplyTo: decoded.envelope.inReplyTo,
    })
  }
  return true
}

export interface BrokerCounts {
  requests: number
  replies: number
  unroutable: number
}

/** Forwards until both sockets close; `counts` is updated as it goes. */
export async function runBroker(
  service: Service<unknown>,
  frontend: Router,
  backend: Dealer,
  inbox: Inbox,
  producer: Producer,
  counts: BrokerCounts,
): Promise<void> {
  const { log } = service
  // Both loops send on the frontend: replies from workers, error replies to garbage.
  const toClients = new SendQueue(frontend)
  const refuse = refuser(toClients, producer)

  const fromClients = eachMessage(service, frontend, async frames => {
    const request = await openClientRequest(frames, inbox, refuse)
    if (request === undefined) return
    counts.requests += 1
    await backend.send([request.client, EMPTY, request.frame])
    log.debug("forwarded", `request ${request.envelope.seq} of ${request.envelope.producer} to a worker`, {
      sender: describeIdentity(request.client),
      seq: request.envelope.seq,
    })
  })

  const fromWorkers = eachMessage(service, backend, frames => returnReply(service, frames, inbox, toClients, counts))

  await Promise.all([fromClients, fromWorkers])
}
