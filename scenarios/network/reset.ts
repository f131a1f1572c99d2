// Network: every TCP segment on the router-dealer client's link to its broker
// answered with a reset for 3 s. Unlike a blackhole, a reset is noticed at
// once: the client's DEALER drops the connection, retries (each attempt reset
// too) and is back as soon as the link is healed. Requests in flight are lost
// and counted; the client's timeouts name them.
import { actionSpan, count, firstAfter, requestReply } from "../runner/checkers.js"
import { below, fault, heal, reported, scenario, sleep, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "network-reset",
  claim: "A TCP reset on a link is noticed at once: the DEALER disconnects as soon as the reset is made, and reconnects as soon as it is healed.",
  note: "Measured from the start of each command: about half a second of either is the helper container starting. Requests on the connection when it was reset are lost, counted by the client's timeouts.",
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", "router-dealer-client"],
  timeline: [
    waitFor("router-dealer-client", "received", { count: 20 }),
    fault("router-dealer-client", { kind: "reset", port: 5560 }),
    waitFor("router-dealer-client", "socket.disconnect"),
    sleep(3000),
    heal("router-dealer-client"),
    waitFor("router-dealer-client", "received", { count: 20 }),
  ],
  figures: history => {
    // Measured from the start of each command: the rule changes while its helper container runs (about half a second).
    const resetAt = actionSpan(history, "fault", "router-dealer-client")?.from
    const healAt = actionSpan(history, "heal", "router-dealer-client")?.from
    const noticed = firstAfter(history, resetAt, e => e.service === "router-dealer-client" && e.event === "socket.disconnect")
    const back = firstAfter(history, healAt, e => e.service === "router-dealer-client" && e.event === "socket.connect")
    const requests = requestReply(history, "router-dealer-client")
    return {
      disconnectedAfterMs: noticed && resetAt !== undefined ? noticed.t - resetAt : null,
      reconnectedAfterHealMs: back && healAt !== undefined ? back.t - healAt : null,
      retriesWhileReset: count(
        history,
        "router-dealer-client",
        "socket.connect:retry",
        e => resetAt !== undefined && healAt !== undefined && e.t > resetAt && e.t < healAt,
      ),
      requests: requests ? { sent: requests.sent, answered: requests.received, lost: requests.lost } : null,
    }
  },
  checks: f => [
    ["disconnected after the reset command began (ms)", f.disconnectedAfterMs, below(2000)],
    ["reconnected after the heal command began (ms)", f.reconnectedAfterHealMs, below(2000)],
    ["requests sent / answered / lost", f.requests, reported],
  ],
})
