// Network: every TCP segment on the router-dealer client's link to its broker
// answered with a reset for 3 s. Unlike a blackhole, a reset is noticed at
// once: the client's DEALER drops the connection, retries (each attempt reset
// too) and is back as soon as the link is healed. Requests in flight are lost
// and counted; the client's timeouts name them.
import { actionTime, count, firstAfter, requestReply } from "../runner/checkers.js"
import { below, fault, heal, reported, scenario, sleep, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "network-reset",
  claim: "A TCP reset on a link is noticed at once: the DEALER disconnects within a second, and reconnects within a second of the heal.",
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-client"],
  env: { ROUTER_DEALER_RATE: "10" },
  timeline: [
    waitFor("router-dealer-client", "received", { count: 20 }),
    fault("router-dealer-client", { kind: "reset", port: 5560 }),
    waitFor("router-dealer-client", "socket.disconnect"),
    sleep(3000),
    heal("router-dealer-client"),
    waitFor("router-dealer-client", "received", { count: 20 }),
  ],
  figures: history => {
    const resetAt = actionTime(history, "fault", "router-dealer-client")
    const healAt = actionTime(history, "heal", "router-dealer-client")
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
    ["disconnected after the reset (ms)", f.disconnectedAfterMs, below(1000)],
    ["reconnected after the heal (ms)", f.reconnectedAfterHealMs, below(1000)],
    ["requests sent / answered / lost", f.requests, reported],
  ],
})
