// The answering side of request/reply, shared by `reqrep-server` and `rd-worker`
// (REP sockets) and the Paranoid Pirate's worker (a DEALER behind a queue).
// Every request gets exactly one reply (a REP socket cannot receive again
// before it has sent one): garbage gets an error reply, a failing handler gets
// an error reply, never silence.
import type { Reply } from "zeromq"
import { encodeEnvelope, Producer, type Envelope, type ErrorBody } from "./envelope.js"
import { Inbox } from "./inbox.js"
import type { Service } from "./service.js"
import { eachMessage } from "./sockets.js"

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

/** One request's frames (the envelope alone, routing frames stripped) in, its reply out. */
export async function answer(service: Service<unknown>, inbox: Inbox, producer: Producer, frames: Buffer[], handle: (request: Envelope) => Promise<unknown>): Promise<Envelope> {
  const decoded = inbox.accept(frames, { frames: 1 })
  if (!decoded.ok) return producer.next(errorBody("bad-message", decoded.reason))
  const request = decoded.envelope
  service.message("received", `request seq ${request.seq} from ${request.producer}`, { producer: request.producer, incarnation: request.incarnation, seq: request.seq })
  let body: unknown
  try {
    body = await handle(request)
  } catch (error) {
    service.log.error("handler-error", `request seq ${request.seq} from ${request.producer} failed: ${String(error)}`, { producer: request.producer, seq: request.seq })
    body = errorBody("internal", "the server failed to handle this request")
  }
  return producer.next(body, request)
}

/** Logs a reply that went out (the `sent` line every replier writes for an answered request). */
export function logReply(service: Service<unknown>, reply: Envelope): void {
  if (!reply.inReplyTo) return
  service.message("sent", `reply seq ${reply.seq} to ${reply.inReplyTo.producer} seq ${reply.inReplyTo.seq}`, { seq: reply.seq, incarnation: reply.incarnation, inReplyTo: reply.inReplyTo })
}

export async function serveRequests(service: Service<unknown>, socket: Reply, inbox: Inbox, producer: Producer, handle: (request: Envelope) => Promise<unknown>): Promise<void> {
  await eachMessage(service, socket, async frames => {
    const reply = await answer(service, inbox, producer, frames, handle)
    await socket.send(encodeEnvelope(reply))
    logReply(service, reply)
  })
}
