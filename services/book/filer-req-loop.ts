// Chapter 4, the requester loop (zmq-filer-req-loop.js): five requests sent at
// once, and their replies. The book's REQ socket queued all five; a zeromq 6
// REQ refuses a second send before its reply (see the reqrep-lockstep scenario),
// so the five go out on a DEALER with the empty delimiter frame a REQ would
// add. The REP filer still answers them one at a time, in order.
import { Dealer } from "zeromq"
import { pick } from "../../shared/config.js"
import { EMPTY, encodeEnvelope } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, isTimeoutError, socketOptions } from "../../shared/sockets.js"

const service = startService("book", pick("BOOK_FILER_CONNECT", "BOOK_REQ_TIMEOUT_MS", "BOOK_REQ_FILE"))
const { config, log } = service

const REQUESTS = 5
const producer = service.producer("requests", "request-reply")
const inbox = new Inbox(service)
const requester = connectSocket(
  service,
  new Dealer({ ...socketOptions(config, "both"), receiveTimeout: config.BOOK_REQ_TIMEOUT_MS }),
  config.BOOK_FILER_CONNECT,
  "dealer",
)

const started = Date.now()
for (let n = 1; n <= REQUESTS; n++) {
  const envelope = producer.next({ path: config.BOOK_REQ_FILE })
  await requester.send([EMPTY, encodeEnvelope(envelope)])
  log.info("sent", `request ${n} for ${config.BOOK_REQ_FILE}`, { stream: "requests", seq: envelope.seq, incarnation: producer.incarnation })
}
try {
  for (let n = 1; n <= REQUESTS; n++) {
    const [, ...rest] = await requester.receive()
    const decoded = inbox.open(rest, { frames: 1 })
    if (!decoded.ok) continue
    const { producer: from, incarnation, seq, inReplyTo, body } = decoded.envelope
    log.info("received", `reply ${n} answers request ${inReplyTo?.seq} after ${Date.now() - started} ms`, {
      producer: from,
      incarnation,
      seq,
      order: n,
      inReplyTo,
      afterMs: Date.now() - started,
      pid: (body as { pid?: number }).pid,
    })
  }
} catch (error) {
  if (!isTimeoutError(error)) throw error
  log.warn("timeout", `fewer than ${REQUESTS} replies within ${config.BOOK_REQ_TIMEOUT_MS} ms`)
}
await service.stop("done")
