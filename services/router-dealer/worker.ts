// ROUTER/DEALER, a worker: a REP socket connected to the broker's DEALER
// backend. The broker's DEALER deals requests round-robin over the connected
// workers; each worker answers one at a time, after a random amount of work, so
// the client's replies come back out of order.
import { Reply } from "zeromq"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { randomBetween } from "../../shared/pace.js"
import { always, serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { connectSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("router-dealer", pick("ROUTER_DEALER_BACKEND_CONNECT", "ROUTER_DEALER_WORK_MS_MIN", "ROUTER_DEALER_WORK_MS_MAX"))
const { config } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const worker = connectSocket(service, new Reply(socketOptions(config, "both")), config.ROUTER_DEALER_BACKEND_CONNECT, "rep")
// A share of the clients' requests: this worker judges no stream.
service.reportStats(() => ({ replies: producer.lastSeq, badMessages: inbox.badMessages }))

await serveRequests(
  service,
  worker,
  inbox,
  producer,
  always(async request => {
    const workMs = randomBetween(config.ROUTER_DEALER_WORK_MS_MIN, config.ROUTER_DEALER_WORK_MS_MAX)
    await service.pause(workMs)
    return { answer: request.body, servedBy: service.name, workMs }
  }),
)
