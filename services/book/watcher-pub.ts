// Chapter 4, the watcher publisher (zmq-watcher-pub.js): watches a file and
// publishes {"type":"changed","file":...,"timestamp":...} on every change.
// The file lives in a Compose volume; `make touch` changes it from another
// container. fs.watch often reports one write as two events, so events closer
// than BOOK_WATCH_DEBOUNCE_MS are one change.
import { watch } from "node:fs"
import { basename } from "node:path"
import { Publisher } from "zeromq"
import { endpoint, integer, text } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { startService } from "../../shared/service.js"
import { bindSocket, socketOptions } from "../../shared/sockets.js"

const service = startService("book", {
  BOOK_WATCHER_BIND: endpoint("tcp://*:5563"),
  BOOK_WATCH_FILE: text("/app/book-files/target.txt", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
  BOOK_WATCH_DEBOUNCE_MS: integer(100, { min: 0, max: 60_000 }),
})
const { config, log } = service

const TOPIC = Buffer.from("changed")
const producer = new Producer(service.name)
const publisher = await bindSocket(service, new Publisher(socketOptions(config, "send")), config.BOOK_WATCHER_BIND, "pub")
service.reportStats(() => ({ sent: producer.lastSeq, incarnation: producer.incarnation }))

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
  await publisher.send([TOPIC, encodeEnvelope(envelope)])
  log.info("sent", `${envelope.body.file} changed`, { seq: envelope.seq, incarnation: producer.incarnation, file: envelope.body.file })
}
