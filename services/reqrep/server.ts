// REQ/REP, the server: binds a REP socket and answers each request in turn,
// after REQREP_WORK_MS of "work". REP is strictly lockstep: receive, send,
// receive, send. The reply names the request it answers in `inReplyTo`. The
// server that remembers what it handled, for clients that resend, is the Lazy
// Pirate's (services/lazy-pirate/).
import { Reply } from "zeromq"
import { pick } from "../../shared/config.js"
import type { Envelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { always, serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", pick("REQREP_BIND", "REQREP_WORK_MS"))
const { config } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const server = await bindSocket(service, new Reply(socketOptions(config, "both")), config.REQREP_BIND, "rep")
service.reportStats(() => ({ replies: producer.lastSeq, badMessages: inbox.badMessages }))

const work = async (request: Envelope) => {
  await service.pause(config.REQREP_WORK_MS)
  return { echo: request.body, servedBy: service.name }
}
await serveRequests(service, server, inbox, producer, always(work))
