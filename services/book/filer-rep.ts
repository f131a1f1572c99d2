// Chapter 4, the filer (zmq-filer-rep.js): a REP socket answering
// {"path": ...} with the file's content, timestamp and the server's pid, from
// the served folder. The exercise done: a missing or unreadable file, a path
// outside the folder, or a malformed request gets an error reply; SIGTERM and
// SIGINT close the socket cleanly; an unexpected exception is logged and the
// requester still gets an answer (shared/replier.ts).
import { Reply } from "zeromq"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { always, serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"
import { serveFile } from "./files.js"

const service = startService("book", pick("BOOK_FILER_BIND", "BOOK_FILES"))
const { config } = service

const producer = service.producer("replies")
const inbox = new Inbox(service)
const filer = await bindSocket(service, new Reply(socketOptions(config, "both")), config.BOOK_FILER_BIND, "rep")
service.reportStats(() => ({ replies: producer.lastSeq, badMessages: inbox.badMessages }))

await serveRequests(
  service,
  filer,
  inbox,
  producer,
  always(request => serveFile(config.BOOK_FILES, request.body)),
)
