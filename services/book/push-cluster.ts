// Chapter 4's bidirectional-messaging exercise: a master with a PUSH socket
// (jobs) and a PULL socket (results), and worker processes that say `ready`,
// then answer each job with a `result` carrying their pid. The master waits
// for every worker's `ready` before the first job (the first-joiner fix: PUSH
// deals only to the workers connected at the moment), sends BOOK_PUSH_JOBS
// jobs, logs each result and a final summary of jobs per worker. Each worker
// runs at most BOOK_PUSH_CONCURRENCY jobs at once (the limited-resource
// problem: a worker must not take on more than it can run).
//
// The jobs are a load-balanced stream: each worker takes a share (logged as
// `received`), and the master, where the results come back, is its end: a
// job counts as done (`delivered`) when its result is in.
import cluster from "node:cluster"
import { Pull, Push } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, connectSocket, eachMessage, SendQueue, socketOptions } from "../../shared/sockets.js"

const service = startService(
  "book",
  pick(
    "BOOK_PUSH_JOBS_ENDPOINT",
    "BOOK_PUSH_RESULTS_ENDPOINT",
    "BOOK_PUSH_WORKERS",
    "BOOK_PUSH_JOBS",
    "BOOK_PUSH_WAIT_FOR_READY",
    "BOOK_PUSH_JOB_MS",
    "BOOK_PUSH_CONCURRENCY",
  ),
)
const { config, log } = service

interface Message {
  type: "job" | "ready" | "result"
  job?: number
  pid?: number
  /** A result names its job as a number of the master's stream. */
  incarnation?: string
}

const JOBS = "jobs"
const JOB_LOSS_GRACE_MS = 5000

if (cluster.isPrimary) {
  const producer = service.producer(JOBS, "load-balanced")
  // Results come back from several workers, out of order: a missing job is lost only after a grace.
  const inbox = new Inbox(service, { promise: "load-balanced", graceMs: JOB_LOSS_GRACE_MS })
  const expiry = setInterval(() => inbox.expire(), 500)
  service.onStop(() => clearInterval(expiry))
  const jobs = await bindSocket(service, new Push(socketOptions(config, "send")), config.BOOK_PUSH_JOBS_ENDPOINT, "push")
  const results = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.BOOK_PUSH_RESULTS_ENDPOINT, "pull")
  const ready = new Set<number>()
  const perWorker: Record<string, number> = {}
  let done = 0
  service.reportStats(() => ({ sent: producer.lastSeq, results: done, ready: ready.size, perWorker, ...inbox.stats() }))
  service.onStop(() => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM")
  })
  cluster.on("exit", (worker, code, signal) =>
    log.warn("worker-exit", `worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`, { worker: worker.process.pid }),
  )

  let allReady: () => void = () => {}
  const everyoneReady = new Promise<void>(resolve => (allReady = resolve))
  const collecting = eachMessage(service, results, frames => {
    const decoded = inbox.open(frames, { frames: 1 })
    if (!decoded.ok) return
    const body = decoded.envelope.body as Message
    if (body.type === "ready" && typeof body.pid === "number") {
      ready.add(body.pid)
      log.info("worker-ready", `worker ${body.pid} is ready (${ready.size} of ${config.BOOK_PUSH_WORKERS})`, { worker: body.pid, ready: ready.size })
      if (ready.size === config.BOOK_PUSH_WORKERS) allReady()
    } else if (body.type === "result" && typeof body.pid === "number" && Number.isSafeInteger(body.job) && typeof body.incarnation === "string") {
      done += 1
      perWorker[body.pid] = (perWorker[body.pid] ?? 0) + 1
      const ref = { producer: service.name, incarnation: body.incarnation, stream: JOBS }
      inbox.track(ref, body.job!)
      log.info("delivered", `job ${body.job} done by worker ${body.pid}`, { ...ref, seq: body.job!, job: body.job!, worker: body.pid })
      if (done === config.BOOK_PUSH_JOBS)
        log.info(
          "summary",
          `all ${done} jobs done: ${Object.entries(perWorker)
            .map(([pid, n]) => `${pid}: ${n}`)
            .join(", ")}`,
          { jobs: done, perWorker },
        )
    } else {
      inbox.reject("bad-body", 'body must be {"type":"ready"|"result","pid":number}', { producer: decoded.envelope.producer })
    }
  })

  for (let n = 0; n < config.BOOK_PUSH_WORKERS; n++) cluster.fork()
  if (config.BOOK_PUSH_WAIT_FOR_READY) {
    log.info("waiting", `waiting for ${config.BOOK_PUSH_WORKERS} workers to be ready`)
    await everyoneReady
  }
  for (let job = 1; job <= config.BOOK_PUSH_JOBS && !service.stopping; job++) {
    const envelope = producer.next<Message>({ type: "job", job })
    await jobs.send(encodeEnvelope(envelope))
    log.info("sent", `job ${job}`, { stream: JOBS, incarnation: producer.incarnation, seq: envelope.seq, job })
  }
  log.info("jobs-sent", `${config.BOOK_PUSH_JOBS} jobs sent`, { jobs: config.BOOK_PUSH_JOBS, waitedForReady: config.BOOK_PUSH_WAIT_FOR_READY })
  await collecting
} else {
  const producer = new Producer(`${service.name}.worker-${process.pid}`, { stream: "results", incarnation: service.instance })
  const inbox = new Inbox(service)
  const jobs = connectSocket(service, new Pull(socketOptions(config, "receive")), config.BOOK_PUSH_JOBS_ENDPOINT, "pull")
  // Jobs running side by side send their results through one queue (one send at a time per socket).
  const results = new SendQueue(connectSocket(service, new Push(socketOptions(config, "send")), config.BOOK_PUSH_RESULTS_ENDPOINT, "push"))
  let taken = 0
  service.reportStats(() => ({ taken, results: producer.lastSeq, badMessages: inbox.badMessages }))
  await results.send([encodeEnvelope(producer.next<Message>({ type: "ready", pid: process.pid }))])

  // At most BOOK_PUSH_CONCURRENCY jobs run at once; the next is taken from the
  // socket only when a slot is free.
  let running = 0
  let freed: () => void = () => {}
  const slot = async () => {
    while (running >= config.BOOK_PUSH_CONCURRENCY) await new Promise<void>(resolve => (freed = resolve))
    running += 1
  }
  await eachMessage(service, jobs, async frames => {
    const decoded = inbox.open(frames, { frames: 1 })
    if (!decoded.ok) return
    const { job } = decoded.envelope.body as Message
    // A share of the master's jobs: the other workers' numbers are not missing here.
    taken += 1
    log.info("received", `job ${job}`, {
      producer: decoded.envelope.producer,
      incarnation: decoded.envelope.incarnation,
      stream: JOBS,
      seq: decoded.envelope.seq,
      job,
    })
    await slot()
    void (async () => {
      await service.pause(config.BOOK_PUSH_JOB_MS)
      running -= 1
      freed()
      if (service.stopping) return
      await results.send([encodeEnvelope(producer.next<Message>({ type: "result", job, pid: process.pid, incarnation: decoded.envelope.incarnation }))])
    })()
  })
}
