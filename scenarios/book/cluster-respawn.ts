// Chapter 4's cluster robustness exercise: a worker process killed inside the
// cluster container is replaced at once; a retrying client loses no request.
import { count, events, requestReply } from "../runner/checkers.js"
import { atLeast, atMost, equals, exec, scenario, waitFor } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const CLIENT = "book-cluster-client"

/** The worker process that just took a request (its pid is on its log lines). */
const busyWorker = (history: History) => events(history, "book-filer-cluster", "received").at(-1)?.pid as number

export default scenario({
  name: "book-cluster-respawn",
  claim: "A worker process killed inside the cluster is replaced within a second; with a retrying client no request is lost.",
  services: [CLIENT, "book-filer-cluster"],
  // Each request holds a worker for 1.5 s, so the kill lands on one in hand.
  env: { BOOK_CLUSTER_WORK_MS: "1500" },
  extraServices: {
    // The Lazy Pirate's client, asking the filer (no heartbeats, no backoff: as the book's requester would).
    [CLIENT]: {
      like: "lazy-pirate-client",
      env: {
        LAZY_PIRATE_CONNECT: "tcp://book-filer-cluster:5565",
        LAZY_PIRATE_BODY: '{"path":"greeting.txt"}',
        LAZY_PIRATE_INTERVAL_MS: "100",
        LAZY_PIRATE_TIMEOUT_MS: "3000",
        LAZY_PIRATE_RETRIES: "5",
        LAZY_PIRATE_RETRY_BACKOFF_MS: "0",
        HEARTBEAT_INTERVAL_MS: "0",
        HEARTBEAT_TIMEOUT_MS: "0",
      },
    },
  },
  timeline: [
    waitFor(CLIENT, "received", { count: 2, from: "start" }),
    waitFor("book-filer-cluster", "received", { from: "now" }),
    exec("book-filer-cluster", history => ["sh", "-c", `kill -9 ${busyWorker(history)}`]),
    waitFor("book-filer-cluster", "worker-online", { from: "action" }),
    waitFor(CLIENT, "received", { count: 3 }),
  ],
  figures: history => {
    const exit = events(history, "book-filer-cluster", "worker-exit", e => e.signal === "SIGKILL")[0]
    const killed = exit?.worker as number | undefined
    const online = exit ? events(history, "book-filer-cluster", "worker-online", e => e.t >= exit.t)[0] : undefined
    const answeredByKilled = new Set(events(history, "book-filer-cluster", "sent", e => e.pid === killed).map(e => (e.inReplyTo as { seq: number }).seq))
    const heldByKilled = events(history, "book-filer-cluster", "received", e => e.pid === killed)
      .filter(e => !answeredByKilled.has(e.seq as number))
      .map(e => e.seq)
    const requests = requestReply(history, CLIENT)
    return {
      killedWorker: killed ?? null,
      replacedAfterMs: exit && online ? online.t - exit.t : null,
      requestsInFlightOnKilledWorker: heldByKilled,
      client: {
        timeouts: count(history, CLIENT, "timeout"),
        retries: requests?.retries ?? null,
        answered: requests?.received ?? null,
        lost: requests?.lost ?? null,
        gaveUp: count(history, CLIENT, "give-up"),
      },
      servedBy: [...new Set(events(history, CLIENT, "received").map(e => (e.body as { pid?: number } | undefined)?.pid))],
    }
  },
  checks: f => [
    ["worker replaced after (ms)", f.replacedAfterMs, atMost(1000)],
    ["requests in flight on the killed worker", f.requestsInFlightOnKilledWorker.length, atLeast(1)],
    ["client: requests retried after a timeout", f.client.retries, atLeast(1)],
    ["client: requests lost", f.client.lost, equals(0)],
    ["client: gave up", f.client.gaveUp, equals(0)],
  ],
})
