// The answering side of request/reply, shared by `reqrep-server` and `router-dealer-worker`
// (REP sockets) and the Paranoid Pirate's worker (a DEALER behind a queue).
// Every request gets exactly one reply (a REP socket cannot receive again
// before it has sent one): garbage gets an error reply, a failing handler gets
// an error reply, never silence. A request counts as `delivered` once its work
// is done, before the reply goes out; one answered from the record of handled
// requests is `duplicate-dropped` (see handled.ts).
import type { Reply } from "zeromq"
import { encodeEnvelope, Producer, type Envelope, type ErrorBody } from "./envelope.js"
import type { Outcome } from "./handled.js"
import type { Inbox } from "./inbox.js"
import type { Service } from "./service.js"
import { eachMessage } from "./sockets.js"

export type Handler = (request: Envelope) => Promise<Outcome>

/** A handler whose every request is new work (no record of handled requests). */
export const always =
  (work: (request: Envelope) => Promise<unknown>): Handler =>
  async request => ({ outcome: "delivered", body: await work(request) })

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

/** One request's frames (the envelope alone, routing frames stripped) in, its reply out. */
export async function answer(service: Service<unknown>, inbox: Inbox, producer: Producer, frames: Buffer[], handle: Handler): Promise<Envelope> {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return producer.next(errorBody("bad-message", decoded.reason))
  const request = decoded.envelope
  // A request is one number of its client's stream; which server gets it is a share, not the stream.
  const where = { producer: request.producer, incarnation: request.incarnation, stream: request.stream, seq: request.seq }
  service.message("received", `request seq ${request.seq} from ${request.producer}`, where)
  let body: unknown
  try {
    const done = await handle(request)
    body = done.body
    if (done.outcome === "delivered") service.message("delivered", `request ${request.seq} of ${request.producer} handled`, where)
    else
      service.log.info(
        "duplicate-dropped",
        `request ${request.seq} of ${request.producer} was handled before: answered with that result, not handled again`,
        where,
      )
  } catch (error) {
    service.log.error("handler-error", `request seq ${request.seq} from ${request.producer} failed: ${String(error)}`, {
      producer: request.producer,
      seq: request.seq,
    })
    body = errorBody("internal", "the server failed to handle this request")
  }
  return producer.next(body, request)
}

/** Logs a reply that went out (the `sent` line every replier writes for an answered request). */
export function logReply(service: Service<unknown>, reply: Envelope): void {
  if (!reply.inReplyTo) return
  service.message("sent", `reply seq ${reply.seq} to ${reply.inReplyTo.producer} seq ${reply.inReplyTo.seq}`, {
    seq: reply.seq,
    incarnation: reply.incarnation,
    inReplyTo: reply.inReplyTo,
  })
}

export async function serveRequests(service: Service<unknown>, socket: Reply, inbox: Inbox, producer: Producer, handle: Handler): Promise<void> {
  await eachMessage(service, socket, async frames => {
    const reply = await answer(service, inbox, producer, frames, handle)
    await socket.send(encodeEnvelope(reply))
    logReply(service, reply)
  })
}
