// ROUTER/DEALER, the broker: a ROUTER frontend for the clients and a DEALER
// backend for the workers (the clustered design of "Node.js the Right Way",
// chapter 4). A request arrives as [client identity, empty, envelope]; the
// DEALER deals it to a worker as is, the REP worker keeps the routing frames
// and returns them with its reply, and the ROUTER uses the identity to send
// the reply back to the client that asked.
//
// It checks every message instead of a blind zmq_proxy, so garbage is answered
// with an error reply (frontend) or reported (backend) and never forwarded.
import { Dealer, Router } from "zeromq"
import { endpoint } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { errorBody } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, SendQueue, socketOptions } from "../../shared/sockets.js"

const service = startService("router-dealer", {
  RD_FRONTEND_BIND: endpoint("tcp://*:5560"),
  RD_BACKEND_BIND: endpoint("tcp://*:5561"),
})
const { config, log } = service

const EMPTY = Buffer.alloc(0)
const producer = new Producer(service.name)
const inbox = new Inbox(service)
// mandatory: a reply for a client that is gone fails loudly instead of vanishing.
const frontend = await bindSocket(service, new Router({ ...socketOptions(config, "both"), mandatory: true }), config.RD_FRONTEND_BIND, "router")
const backend = await bindSocket(service, new Dealer(socketOptions(config, "both")), config.RD_BACKEND_BIND, "dealer")
// Both loops below send on the frontend: replies from workers, error replies to garbage.
const toClients = new SendQueue(frontend)
const counts = { requests: 0, replies: 0, unroutable: 0 }
service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages }))

const describe = (identity: Buffer) => identity.toString("hex")

void eachMessage(service, frontend, async ([identity, delimiter, ...rest]) => {
  if (identity === undefined) return
  const sender = describe(identity)
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

await eachMessage(service, backend, async frames => {
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
    log.warn("unroutable", `reply for client ${describe(identity)} dropped: ${String(error)}`, { client: describe(identity), seq: decoded.envelope.seq, inReplyTo: decoded.envelope.inReplyTo })
  }
})
