// ROUTER/DEALER, a worker: a REP socket connected to the broker's DEALER
// backend. The broker's DEALER deals requests round-robin over the connected
// workers; each worker answers one at a time, after a random amount of work, so
// the client's replies come back out of order.
import { Reply } from "zeromq"
import { endpoint, integer } from "../../shared/config.js"
import { Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { connectSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("router-dealer", {
  RD_BACKEND_CONNECT: endpoint("tcp://rd-broker:5561"),
  RD_WORK_MS_MIN: integer(50, { min: 0, max: 600_000 }),
  RD_WORK_MS_MAX: integer(400, { min: 0, max: 600_000 }),
})
const { config } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const worker = connectSocket(service, new Reply(socketOptions(config, "both")), config.RD_BACKEND_CONNECT, "rep")
service.reportStats(() => ({ ...inbox.stats(), sent: producer.lastSeq }))

await serveRequests(service, worker, inbox, producer, async request => {
  const { RD_WORK_MS_MIN: min, RD_WORK_MS_MAX: max } = config
  const workMs = min + Math.floor(Math.random() * (Math.max(min, max) - min + 1))
  await service.pause(workMs)
  return { answer: request.body, servedBy: service.name, workMs }
})
