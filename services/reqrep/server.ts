// REQ/REP, the server: binds a REP socket and answers each request in turn,
// after REQREP_WORK_MS of "work". REP is strictly lockstep: receive, send,
// receive, send. The reply names the request it answers in `inReplyTo`.
import { Reply } from "zeromq"
import { endpoint, integer } from "../../shared/config.js"
import { Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", {
  REQREP_BIND: endpoint("tcp://*:5559"),
  REQREP_WORK_MS: integer(20, { min: 0, max: 600_000 }),
})
const { config } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const server = await bindSocket(service, new Reply(socketOptions(config, "both")), config.REQREP_BIND, "rep")
service.reportStats(() => ({ ...inbox.stats(), sent: producer.lastSeq }))

await serveRequests(service, server, inbox, producer, async request => {
  await service.pause(config.REQREP_WORK_MS)
  return { echo: request.body, servedBy: service.name }
})
