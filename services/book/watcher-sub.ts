// Chapter 4, the watcher subscriber (zmq-watcher-sub.js): prints
// "File '<file>' changed at <date>" for each change. The chapter's point:
// kill the publisher, start it again, and this subscriber, never restarted,
// prints the next change: ZeroMQ reconnects by itself.
import { Subscriber } from "zeromq"
import { pick } from "../../shared/config.js"
import { subscribe, takeWelcome } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("book", pick("BOOK_WATCHER_CONNECT"))
const { config } = service

const inbox = new Inbox(service, { promise: "fan-out", joinWaitMs: 3000 })
const subscriber = connectSocket(service, new Subscriber(socketOptions(config, "receive")), config.BOOK_WATCHER_CONNECT, "sub")
subscribe(service, subscriber, ["changed"])
service.reportStats(() => inbox.stats())
const expiry = setInterval(() => inbox.expire(), 1000)
service.onStop(() => clearInterval(expiry))

await eachMessage(service, subscriber, frames => {
  const decoded = inbox.open(frames, { frames: 2 })
  if (!decoded.ok) return
  const { envelope } = decoded
  const topic = frames[0]!.toString("utf8")
  if (takeWelcome(service, inbox, topic, envelope)) return
  const { file, timestamp } = envelope.body as { file?: unknown; timestamp?: unknown }
  if (typeof file !== "string" || typeof timestamp !== "number")
    return inbox.reject("bad-body", 'body must be {"type":"changed","file":string,"timestamp":number}', { producer: envelope.producer, seq: envelope.seq })
  const ref = { producer: envelope.producer, incarnation: envelope.incarnation, stream: envelope.stream ?? topic }
  inbox.track(ref, envelope.seq)
  // Always printed: this line is the program's whole output.
  service.log.info("received", `File '${file}' changed at ${new Date(timestamp).toString()}`, { ...ref, seq: envelope.seq, file })
})
