// The answering side of request/reply, shared by `reqrep-server` and `rd-worker`
// (both REP sockets). A REP socket must send exactly one reply per request
// before it can receive again, so every path below replies: garbage gets an
// error reply, a failing handler gets an error reply, never silence.
import type { Reply } from "zeromq"
import { encodeEnvelope, Producer, type Envelope, type ErrorBody } from "./envelope.js"
import { Inbox } from "./inbox.js"
import type { Service } from "./service.js"
import { eachMessage } from "./sockets.js"

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

export async function serveRequests(service: Service<unknown>, socket: Reply, inbox: Inbox, producer: Producer, handle: (request: Envelope) => Promise<unknown>): Promise<void> {
  await eachMessage(service, socket, async frames => {
    const decoded = inbox.accept(frames, { frames: 1 })
    if (!decoded.ok) {
      await socket.send(encodeEnvelope(producer.next(errorBody("bad-message", decoded.reason))))
      return
    }
    const request = decoded.envelope
    service.message("received", `request seq ${request.seq} from ${request.producer}`, { producer: request.producer, incarnation: request.incarnation, seq: request.seq })
    let body: unknown
    try {
      body = await handle(request)
    } catch (error) {
      service.log.error("handler-error", `request seq ${request.seq} from ${request.producer} failed: ${String(error)}`, { producer: request.producer, seq: request.seq })
      body = errorBody("internal", "the server failed to handle this request")
    }
    const reply = producer.next(body, request)
    await socket.send(encodeEnvelope(reply))
    service.message("sent", `reply seq ${reply.seq} to ${request.producer} seq ${request.seq}`, { seq: reply.seq, incarnation: producer.incarnation, inReplyTo: reply.inReplyTo })
  })
}
