// REQ/REP, the server: binds a REP socket and answers each request in turn,
// after REQREP_WORK_MS of "work". REP is strictly lockstep: receive, send,
// receive, send. The reply names the request it answers in `inReplyTo`.
//
// With REQREP_DEDUP=true it is the Lazy Pirate's server: a request it has
// already handled (the client sent it again after a timeout) is answered with
// the recorded result, not handled twice. Results are recorded, after the
// work, in a directory (REQREP_HANDLED_DIR, in a volume), so a restarted
// server still knows them.
import { Reply } from "zeromq"
import { pick } from "../../shared/config.js"
import type { Envelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { HandledRequests, handleOnce } from "../../shared/handled.js"
import { always, serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", pick("REQREP_BIND", "REQREP_WORK_MS", "REQREP_DEDUP", "REQREP_HANDLED_DIR"))
const { config } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const handled = config.REQREP_DEDUP ? new HandledRequests(config.REQREP_HANDLED_DIR, `${service.name}-${service.instance}`) : undefined
const server = await bindSocket(service, new Reply(socketOptions(config, "both")), config.REQREP_BIND, "rep")
service.reportStats(() => ({ replies: producer.lastSeq, badMessages: inbox.badMessages, ...(handled ? { recorded: handled.recorded } : {}) }))

const work = async (request: Envelope) => {
  await service.pause(config.REQREP_WORK_MS)
  return { echo: request.body, servedBy: service.name }
}
await serveRequests(service, server, inbox, producer, handled ? handleOnce(handled, work) : always(work))
