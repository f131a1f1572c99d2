// Chapter 4, the watcher subscriber (zmq-watcher-sub.js): prints
// "File '<file>' changed at <date>" for each change. The chapter's point:
// kill the publisher, start it again, and this subscriber, never restarted,
// prints the next change: ZeroMQ reconnects by itself.
import { Subscriber } from "zeromq"
import { endpoint } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, socketOptions } from "../../shared/sockets.js"

const service = startService("book", {
  BOOK_WATCHER_CONNECT: endpoint("tcp://book-watcher-pub:5563"),
})
const { config } = service

const inbox = new Inbox(service)
const subscriber = connectSocket(service, new Subscriber(socketOptions(config, "receive")), config.BOOK_WATCHER_CONNECT, "sub")
subscriber.subscribe("changed")
service.reportStats(() => inbox.stats())

await eachMessage(service, subscriber, frames => {
  const decoded = inbox.accept(frames, { frames: 2 })
  if (!decoded.ok) return
  const { envelope } = decoded
  const { file, timestamp } = envelope.body as { file?: unknown; timestamp?: unknown }
  if (typeof file !== "string" || typeof timestamp !== "number") return inbox.reject('body must be {"type":"changed","file":string,"timestamp":number}', { producer: envelope.producer, seq: envelope.seq })
  // Always printed: this line is the program's whole output.
  service.log.info("received", `File '${file}' changed at ${new Date(timestamp).toString()}`, { producer: envelope.producer, incarnation: envelope.incarnation, seq: envelope.seq, file })
})
