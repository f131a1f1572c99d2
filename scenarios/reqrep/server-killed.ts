// REQ/REP: the server dies with a request in hand. A REQ client without a
// timeout is stuck for good; the retrying client recovers once the server is
// back, and gives up cleanly after N retries while it stays down.
import { actionTime, count, events } from "../runner/checkers.js"
import { atLeast, equals, kill, scenario, sleep, start, waitFor } from "../runner/dsl.js"

const NAIVE = "reqrep-client"
const RETRYING = "reqrep-client-retrying"
const RETRIES = 3

export default scenario({
  name: "reqrep-server-killed",
  claim:
    "A REQ client without a timeout is stuck for good after the server dies mid-request; a retrying client recovers once the server is back, and gives up cleanly after N retries while it stays down.",
  note: "The naive client is stuck even though the server is back and reachable: its REQ socket waits for the one reply that died with the old server, and will not send anything else.",
  services: ["reqrep-server", NAIVE, RETRYING],
  // Each request holds the server for 1 s, so the kill lands on one in hand.
  env: { REQREP_WORK_MS: "1000", REQREP_INTERVAL_MS: "300" },
  serviceEnv: { [NAIVE]: { REQREP_TIMEOUT_MS: "0" } },
  // Its timeout must exceed a normal reply's time (up to 2 s: the server serves
  // both clients, 1 s each), or its retries pile up on a healthy server.
  // The Lazy Pirate's client, talking to the plain server (no heartbeats, no backoff).
  extraServices: {
    [RETRYING]: {
      like: "lazy-pirate-client",
      env: {
        LAZY_PIRATE_CONNECT: "tcp://reqrep-server:5559",
        LAZY_PIRATE_INTERVAL_MS: "300",
        LAZY_PIRATE_TIMEOUT_MS: "3000",
        LAZY_PIRATE_RETRIES: String(RETRIES),
        LAZY_PIRATE_RETRY_BACKOFF_MS: "0",
        HEARTBEAT_INTERVAL_MS: "0",
        HEARTBEAT_TIMEOUT_MS: "0",
      },
    },
  },
  timeline: [
    waitFor(NAIVE, "received", { count: 2 }),
    waitFor("reqrep-server", "received", { where: e => e.producer === NAIVE, from: "now" }),
    kill("reqrep-server"),
    sleep(2000),
    start("reqrep-server"),
    waitFor(RETRYING, "received", { count: 3 }),
    // A bounded wait in which the naive client could answer, if it were not stuck.
    sleep(5000),
    kill("reqrep-server"),
    waitFor(RETRYING, "give-up", { timeoutMs: 30_000 }),
  ],
  figures: history => {
    const firstKill = actionTime(history, "kill", "reqrep-server") ?? 0
    const restarted = actionTime(history, "start", "reqrep-server") ?? 0
    const giveUp = events(history, RETRYING, "give-up")[0]
    // Counted from the tries it sent, not from what it says of itself.
    const retriesOfGivenUp = giveUp ? count(history, RETRYING, "sent", e => e.seq === giveUp.seq && (e.attempt as number) > 0) : null
    return {
      naive: {
        repliesBeforeKill: count(history, NAIVE, "received", e => e.t < firstKill),
        repliesAfterKill: count(history, NAIVE, "received", e => e.t > firstKill),
        requestsAfterKill: count(history, NAIVE, "sent", e => e.t > firstKill),
        // How long the server was back and reachable while the naive client stayed silent.
        serverBackForMs: (history.filter(e => e.service === "runner" && e.action === "kill").at(-1)?.t ?? 0) - restarted,
      },
      retrying: {
        timeouts: count(history, RETRYING, "timeout"),
        repliesAfterRestart: count(history, RETRYING, "received", e => e.t > restarted),
        gaveUp: giveUp !== undefined,
        retriesBeforeGivingUp: retriesOfGivenUp,
        exit: events(history, RETRYING, "shutdown")[0]?.reason ?? null,
      },
    }
  },
  checks: f => [
    ["naive client: replies after the server died", f.naive.repliesAfterKill, equals(0)],
    ["naive client: requests sent after the server died", f.naive.requestsAfterKill, equals(0)],
    ["retrying client: timeouts", f.retrying.timeouts, atLeast(1)],
    ["retrying client: replies once the server is back", f.retrying.repliesAfterRestart, atLeast(3)],
    ["retrying client: gave up after retries", f.retrying.retriesBeforeGivingUp, equals(RETRIES)],
    ["retrying client: clean exit", f.retrying.exit, equals("gave up")],
  ],
})
