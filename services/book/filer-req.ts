// Chapter 4, the requester (zmq-filer-req.js): one request for one file, the
// reply printed, then exit. `make filer-req FILE=greeting.txt` runs it in a
// one-shot container. `--raw <text>` sends <text> as it is, not as an
// envelope, to see the filer's answer to a malformed request.
import { Request } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, isTimeoutError, requestOptions } from "../../shared/sockets.js"

const service = startService("book", pick("BOOK_FILER_CONNECT", "BOOK_REQ_TIMEOUT_MS"))
const { config, log } = service

const [first = "target.txt", second] = process.argv.slice(2)
const raw = first === "--raw"
const producer = service.producer("requests", "request-reply")
const inbox = new Inbox(service)
const requester = connectSocket(
  service,
  new Request({ ...requestOptions(config), receiveTimeout: config.BOOK_REQ_TIMEOUT_MS }),
  config.BOOK_FILER_CONNECT,
  "req",
)

const request = raw ? Buffer.from(second ?? "") : encodeEnvelope(producer.next({ path: first }))
await requester.send(request)
log.info(
  "sent",
  raw ? `sent raw bytes ${JSON.stringify(second ?? "")}` : `asked for ${first}`,
  raw ? { raw: second ?? "" } : { stream: "requests", seq: 1, incarnation: producer.incarnation, path: first },
)
try {
  const decoded = inbox.open(await requester.receive(), { frames: 1 })
  if (decoded.ok) {
    const { producer: from, incarnation, seq, inReplyTo } = decoded.envelope
    const body = decoded.envelope.body as { content?: string; error?: { code: string; message: string }; pid?: number }
    const summary = body.error ? `error ${body.error.code}: ${body.error.message}` : `${JSON.stringify(body.content)} (served by pid ${body.pid})`
    log.info("received", summary, { producer: from, incarnation, seq, inReplyTo, body })
  }
} catch (error) {
  if (!isTimeoutError(error)) throw error
  log.warn("timeout", `no reply within ${config.BOOK_REQ_TIMEOUT_MS} ms`, { timeoutMs: config.BOOK_REQ_TIMEOUT_MS })
}
await service.stop("done")
