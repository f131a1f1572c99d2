// ROUTER/DEALER: through the broker, every reply reaches the client that asked
// (the ROUTER routes by the identity frame the request came with).
import { count, each, foreignReplies, requestReply } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

const CLIENTS = ["router-dealer-client", "router-dealer-client-2", "router-dealer-client-3"]

export default scenario({
  name: "router-dealer-routing",
  claim: "Three clients through the broker: every reply reaches the client that asked.",
  note: "Each worker serves a share of every client's requests: a worker's count is a share, not a loss.",
  services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", ...CLIENTS],
  env: { ROUTER_DEALER_RATE: "10", ROUTER_DEALER_WORK_MS_MIN: "10", ROUTER_DEALER_WORK_MS_MAX: "50" },
  extraServices: { "router-dealer-client-2": { like: "router-dealer-client" }, "router-dealer-client-3": { like: "router-dealer-client" } },
  timeline: CLIENTS.map(client => waitFor(client, "received", { count: 30, from: "start" })),
  figures: history =>
    each(CLIENTS, client => {
      const requests = requestReply(history, client)
      return {
        answered: requests?.received ?? null,
        lost: requests?.lost ?? null,
        foreignReplies: foreignReplies(history, client),
        shares: requests?.shares ?? {},
        timeouts: count(history, client, "timeout"),
      }
    }),
  checks: f =>
    CLIENTS.flatMap(client => [
      [`${client}: replies`, f[client]!.answered, atLeast(30)],
      [`${client}: replies meant for another client`, f[client]!.foreignReplies, equals(0)],
      [`${client}: requests lost`, f[client]!.lost, equals(0)],
      [`${client}: timeouts`, f[client]!.timeouts, equals(0)],
    ]),
})
