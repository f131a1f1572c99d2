// REQ/REP: the server dies with a request in hand, as in reqrep-server-killed.
// A strict REQ without a timeout is stuck for good. A REQ with REQ_RELAXED and
// REQ_CORRELATE needs no new socket: after its timeout it sends again on the
// same one, and the late reply of a request it gave up on can never be taken
// for the answer to a newer one.
import { actionTime, count } from "../runner/checkers.js"
import { atLeast, equals, kill, scenario, sleep, start, waitFor } from "../runner/dsl.js"

const STRICT = "reqrep-client"
const RELAXED = "reqrep-client-relaxed"

export default scenario({
  name: "reqrep-relaxed",
  claim:
    "A REQ socket stuck on a lost reply recovers without being replaced when it is relaxed (REQ_RELAXED) and correlated (REQ_CORRELATE); a strict one without a timeout stays stuck.",
  services: ["reqrep-server", STRICT, RELAXED],
  // Each request holds the server for 1 s, so the kill lands on one in hand.
  env: { REQREP_WORK_MS: "1000", REQREP_INTERVAL_MS: "300" },
  serviceEnv: { [STRICT]: { REQREP_TIMEOUT_MS: "0" } },
  extraServices: { [RELAXED]: { like: STRICT, env: { REQ_RELAXED: "true", REQ_CORRELATE: "true", REQREP_TIMEOUT_MS: "3000" } } },
  timeline: [
    waitFor(STRICT, "received", { count: 2 }),
    waitFor("reqrep-server", "received", { where: e => e.producer === RELAXED, from: "now" }),
    kill("reqrep-server"),
    sleep(2000),
    start("reqrep-server"),
    waitFor(RELAXED, "received", { count: 3, timeoutMs: 20_000 }),
  ],
  figures: history => {
    const killedAt = actionTime(history, "kill", "reqrep-server") ?? 0
    const restartedAt = actionTime(history, "start", "reqrep-server") ?? 0
    return {
      strictRepliesAfterKill: count(history, STRICT, "received", e => e.t > killedAt),
      relaxedRepliesAfterRestart: count(history, RELAXED, "received", e => e.t > restartedAt),
      relaxedTimeouts: count(history, RELAXED, "timeout"),
      relaxedSocketsReopened: count(history, RELAXED, "timeout", e => e.reopened === true),
      relaxedUnexpectedReplies: count(history, RELAXED, "unexpected-reply"),
    }
  },
  checks: f => [
    ["strict, no timeout: replies after the kill", f.strictRepliesAfterKill, equals(0)],
    ["relaxed: timeouts", f.relaxedTimeouts, atLeast(1)],
    ["relaxed: replies after the restart", f.relaxedRepliesAfterRestart, atLeast(3)],
    ["relaxed: sockets replaced", f.relaxedSocketsReopened, equals(0)],
    ["relaxed: replies taken for the wrong request", f.relaxedUnexpectedReplies, equals(0)],
  ],
})
