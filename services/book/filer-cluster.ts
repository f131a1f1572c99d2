// Chapter 4, the filer cluster (zmq-filer-rep-cluster.js): the master process
// binds a ROUTER frontend (tcp) and a DEALER backend (ipc) and forks worker
// processes with Node's cluster module; each worker's REP socket connects to
// the backend and serves files. The robustness exercise done: the master logs
// each worker coming online and each exit, and forks a replacement whenever
// one dies. A reply's `pid` tells which worker served it.
import cluster from "node:cluster"
import { Dealer, Reply, Router } from "zeromq"
import { runBroker } from "../../shared/broker.js"
import { pick } from "../../shared/config.js"
import { Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { always, serveRequests } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, connectSocket, routerOptions, socketOptions } from "../../shared/sockets.js"
import { serveFile } from "./files.js"

const service = startService("book", pick("BOOK_CLUSTER_BIND", "BOOK_CLUSTER_BACKEND", "BOOK_CLUSTER_WORKERS", "BOOK_CLUSTER_WORK_MS", "BOOK_FILES"))
const { config, log } = service

if (cluster.isPrimary) {
  const producer = service.producer("errors")
  const inbox = new Inbox(service)
  const frontend = await bindSocket(service, new Router(routerOptions(config)), config.BOOK_CLUSTER_BIND, "router")
  const backend = await bindSocket(service, new Dealer(socketOptions(config, "both")), config.BOOK_CLUSTER_BACKEND, "dealer")
  const counts = { requests: 0, replies: 0, unroutable: 0, respawned: 0 }
  service.reportStats(() => ({ ...counts, workers: Object.keys(cluster.workers ?? {}).length, badMessages: inbox.badMessages }))

  cluster.on("online", worker => log.info("worker-online", `worker ${worker.process.pid} is online`, { worker: worker.process.pid }))
  cluster.on("exit", (worker, code, signal) => {
    log.warn("worker-exit", `worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`, { worker: worker.process.pid, code, signal })
    if (service.stopping) return
    counts.respawned += 1
    const replacement = cluster.fork()
    log.info("worker-respawn", `forked worker ${replacement.process.pid} to replace ${worker.process.pid}`, {
      worker: replacement.process.pid,
      replaces: worker.process.pid,
    })
  })
  service.onStop(async () => {
    // Workers get SIGTERM too and close their sockets; wait (bounded by the
    // service's exit deadline) until all have gone.
    const workers = Object.values(cluster.workers ?? {}).filter(w => w !== undefined)
    const gone = workers.map(w => new Promise(resolve => w.once("exit", resolve)))
    for (const worker of workers) worker.process.kill("SIGTERM")
    await Promise.all(gone)
  })
  for (let n = 0; n < config.BOOK_CLUSTER_WORKERS; n++) cluster.fork()
  await runBroker(service, frontend, backend, inbox, producer, counts)
} else {
  // Each worker is a producer of its own: replies from different processes are different streams.
  const producer = new Producer(`${service.name}.worker-${process.pid}`, { stream: "replies", incarnation: service.instance })
  const inbox = new Inbox(service)
  const worker = connectSocket(service, new Reply(socketOptions(config, "both")), config.BOOK_CLUSTER_BACKEND, "rep")
  service.reportStats(() => ({ replies: producer.lastSeq, badMessages: inbox.badMessages }))
  await serveRequests(
    service,
    worker,
    inbox,
    producer,
    always(async request => {
      if (config.BOOK_CLUSTER_WORK_MS > 0) await service.pause(config.BOOK_CLUSTER_WORK_MS)
      return serveFile(config.BOOK_FILES, request.body)
    }),
  )
}
