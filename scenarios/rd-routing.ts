// ROUTER/DEALER: through the broker, every reply reaches the client that asked
// (the ROUTER routes by the identity frame the request came with).
import { count, each, foreignReplies, requestReply } from "./runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "./runner/dsl.js"

const CLIENTS = ["rd-client", "rd-client-2", "rd-client-3"]

export default scenario({
  name: "rd-routing",
  claim: "Three clients through the broker: every reply reaches the client that asked.",
  note: "Each worker serves a share of every client's requests: a worker's count is a share, not a loss.",
  services: ["rd-broker", "rd-worker-1", "rd-worker-2", ...CLIENTS],
  env: { RD_RATE: "10", RD_WORK_MS_MIN: "10", RD_WORK_MS_MAX: "50" },
  extraServices: { "rd-client-2": { like: "rd-client" }, "rd-client-3": { like: "rd-client" } },
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
