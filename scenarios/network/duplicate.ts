// Network, where the kernel has netem: 20 % of the subscriber's packets
// duplicated. TCP discards the copies: the application sees every message
// once. Reported SKIPPED, with the reason, on a kernel without netem.
import { fanOut } from "../runner/checkers.js"
import { equals, fault, heal, scenario, sleep, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "network-duplicate",
  claim: "Duplicated packets never reach the application over TCP: 0 duplicated, 0 lost.",
  requires: ["netem"],
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20" },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 20 }),
    fault("pubsub-subscriber", { kind: "duplicate", pct: 20 }),
    sleep(8000),
    heal("pubsub-subscriber"),
  ],
  figures: history => {
    const stream = fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" })
    return { duplicated: stream?.duplicated ?? null, lost: stream?.lost ?? null }
  },
  checks: f => [
    ["duplicated", f.duplicated, equals(0)],
    ["lost", f.lost, equals(0)],
  ],
})
