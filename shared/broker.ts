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
import { EMPTY, encodeEnvelope, type Producer } from "./envelope.js"
import type { Inbox } from "./inbox.js"
import { errorBody } from "./replier.js"
import type { Service } from "./service.js"
import { describeIdentity, eachMessage, SendQueue } from "./sockets.js"


export interface BrokerCounts {
  requests: number
  replies: number
  unroutable: number
}

/** Forwards until both sockets close; `counts` is updated as it goes. */
export async function runBroker(service: Service<unknown>, frontend: Router, backend: Dealer, inbox: Inbox, producer: Producer, counts: BrokerCounts): Promise<void> {
  const { log } = service
  // Both loops send on the frontend: replies from workers, error replies to garbage.
  const toClients = new SendQueue(frontend)

  const fromClients = eachMessage(service, frontend, async ([identity, delimiter, ...rest]) => {
    if (identity === undefined) return
    const sender = describeIdentity(identity)
    if (delimiter === undefined || delimiter.length !== 0) {
      inbox.reject("request must be [empty delimiter, envelope] (send it from a DEALER or REQ socket)", { sender })
      await toClients.send([identity, EMPTY, encodeEnvelope(producer.next(errorBody("bad-message", "expected [empty delimiter, envelope]")))])
      return
    }
    const decoded = inbox.open(rest, { frames: 1, sender })
    if (!decoded.ok) {
      await toClients.send([identity, EMPTY, encodeEnvelope(producer.next(errorBody("bad-message", decoded.reason)))])
      return
    }
    counts.requests += 1
    await backend.send([identity, EMPTY, rest[0]!])
    log.debug("forwarded", `request ${decoded.envelope.seq} of ${decoded.envelope.producer} to a worker`, { sender, seq: decoded.envelope.seq })
  })

  const fromWorkers = eachMessage(service, backend, async frames => {
    const [identity, delimiter, ...rest] = frames
    if (identity === undefined || delimiter === undefined || delimiter.length !== 0 || rest.length !== 1) {
      inbox.reject("backend message must be [client identity, empty delimiter, envelope]", { frames: frames.length })
      return
    }
    const decoded = inbox.open(rest, { frames: 1 })
    if (!decoded.ok) return
    try {
      await toClients.send([identity, EMPTY, rest[0]!])
      counts.replies += 1
    } catch (error) {
      counts.unroutable += 1
      log.warn("unroutable", `reply for client ${describeIdentity(identity)} dropped: ${String(error)}`, { client: describeIdentity(identity), seq: decoded.envelope.seq, inReplyTo: decoded.envelope.inReplyTo })
    }
  })

  await Promise.all([fromClients, fromWorkers])
}
