// REQ/REP, the server: binds a REP socket and answers each request in turn,
// after REQREP_WORK_MS of "work". REP is strictly lockstep: receive, send,
// receive, send. The reply names the request it answers in `inReplyTo`.
//
// With REQREP_DEDUP=true it is the Lazy Pirate's server: a request it has
// already handled (the client sent it again after a timeout) is answered but
// not handled twice. The handled requests are journaled (REQREP_JOURNAL), so a
// restarted server still knows them.
import { Reply } from "zeromq"
import { boolean, endpoint, integer, text } from "../../shared/config.js"
import { Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("reqrep", {
  REQREP_BIND: endpoint("tcp://*:5559"),
  REQREP_WORK_MS: integer(20, { min: 0, max: 600_000 }),
  REQREP_DEDUP: boolean(false),
  REQREP_JOURNAL: text("/state/reqrep-server.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const journal = config.REQREP_DEDUP ? new Journal<{ handled: string }>(config.REQREP_JOURNAL) : undefined
const handled = new Set(journal?.entries().map(entry => entry.handled) ?? [])
let duplicatesDropped = 0
const server = await bindSocket(service, new Reply(socketOptions(config, "both")), config.REQREP_BIND, "rep")
service.reportStats(() => ({ ...inbox.stats(), sent: producer.lastSeq, ...(journal ? { handled: handled.size, duplicatesDropped } : {}) }))

await serveRequests(service, server, inbox, producer, async request => {
  if (journal) {
    const key = `${request.producer}/${request.incarnation}/${request.seq}`
    if (handled.has(key)) {
      duplicatesDropped += 1
      log.info("duplicate-dropped", `request ${request.seq} of ${request.producer} was handled before: answered, not handled again`, { producer: request.producer, incarnation: request.incarnation, seq: request.seq })
      return { duplicate: true, servedBy: service.name }
    }
    journal.append({ handled: key })
    handled.add(key)
    // Always logged with dedup on: the checker counts what the application handled.
    log.info("delivered", `request ${request.seq} of ${request.producer} handled`, { producer: request.producer, incarnation: request.incarnation, seq: request.seq })
  }
  await service.pause(config.REQREP_WORK_MS)
  return { echo: request.body, servedBy: service.name }
})
