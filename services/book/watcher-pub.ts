// Chapter 4, the watcher publisher (zmq-watcher-pub.js): watches a file and
// publishes {"type":"changed","file":...,"timestamp":...} on every change.
// The file lives in a Compose volume; `make touch` changes it from another
// container. fs.watch often reports one write as two events, so events closer
// than BOOK_WATCH_DEBOUNCE_MS are one change. The book's PUB socket is an XPUB
// here, for the lab's join accounting (shared/fanout.ts); what subscribers
// receive is the same.
import { watch } from "node:fs"
import { basename } from "node:path"
import { XPublisher } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { Publishing } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, xpubOptions } from "../../shared/sockets.js"

const service = startService("book", pick("BOOK_WATCHER_BIND", "BOOK_WATCH_FILE", "BOOK_WATCH_DEBOUNCE_MS"))
const { config, log } = service

const TOPIC = "changed"
const producer = service.producer(TOPIC, "fan-out")
const inbox = new Inbox(service)
const socket = await bindSocket(service, new XPublisher(xpubOptions(config)), config.BOOK_WATCHER_BIND, "pub")
const publishing = new Publishing(service, socket, inbox, () => [
  { stream: TOPIC, topic: TOPIC, incarnation: producer.incarnation, afterSeq: producer.lastSeq },
])
void publishing.run()
service.reportStats(() => ({
  sent: producer.lastSeq,
  incarnation: producer.incarnation,
  subscriptions: publishing.subscriptions,
  badMessages: inbox.badMessages,
}))

let pending: NodeJS.Timeout | undefined
const watcher = watch(config.BOOK_WATCH_FILE, () => {
  clearTimeout(pending)
  pending = setTimeout(() => void publish(), config.BOOK_WATCH_DEBOUNCE_MS)
})
watcher.on("error", error => log.error("watch-error", `cannot watch ${config.BOOK_WATCH_FILE}: ${error.message}`))
service.onStop(() => {
  clearTimeout(pending)
  watcher.close()
})
log.info("watching", `watching ${config.BOOK_WATCH_FILE} for changes`, { file: config.BOOK_WATCH_FILE })

async function publish(): Promise<void> {
  const envelope = producer.next({ type: "changed", file: basename(config.BOOK_WATCH_FILE), timestamp: Date.now() })
  await publishing.publish([Buffer.from(TOPIC), encodeEnvelope(envelope)])
  log.info("sent", `${envelope.body.file} changed`, { stream: TOPIC, seq: envelope.seq, incarnation: producer.incarnation, file: envelope.body.file })
}
