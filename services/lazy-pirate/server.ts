// Lazy Pirate, the server: a REP server whose clients resend what they got no
// reply to, so the same request may come twice (only its reply was lost). It
// records the result of every request it handled, once the work is done, in a
// directory (LAZY_PIRATE_HANDLED_DIR, in a volume, so a restarted server still
// knows them), and answers a request found there with that result instead of
// handling it again (shared/handled.ts).
import { Reply } from "zeromq"
import { pick } from "../../shared/config.js"
import type { Envelope } from "../../shared/envelope.js"
import { HandledRequests, handleOnce } from "../../shared/handled.js"
import { Inbox } from "../../shared/inbox.js"
import { serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("lazy-pirate", pick("LAZY_PIRATE_BIND", "LAZY_PIRATE_WORK_MS", "LAZY_PIRATE_HANDLED_DIR"))
const { config } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const handled = new HandledRequests(config.LAZY_PIRATE_HANDLED_DIR, `${service.name}-${service.instance}`)
const server = await bindSocket(service, new Reply(socketOptions(config, "both")), config.LAZY_PIRATE_BIND, "rep")
service.reportStats(() => ({ replies: producer.lastSeq, recorded: handled.recorded, badMessages: inbox.badMessages }))

const work = async (request: Envelope) => {
  await service.pause(config.LAZY_PIRATE_WORK_MS)
  return { echo: request.body, servedBy: service.name }
}
await serveRequests(service, server, inbox, producer, handleOnce(handled, work))
