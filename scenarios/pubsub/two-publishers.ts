// PUB/SUB: one subscriber connected to two publishers receives both streams,
// interleaved (SUB fair-queues between its connections).
import { events, fanOut } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "pubsub-two-publishers",
  claim: "One subscriber connected to two publishers receives both streams, interleaved.",
  services: ["pubsub-publisher", "pubsub-publisher-2", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20" },
  serviceEnv: { "pubsub-subscriber": { PUBSUB_CONNECT: "tcp://pubsub-publisher:5556,tcp://pubsub-publisher-2:5556" } },
  extraServices: { "pubsub-publisher-2": { like: "pubsub-publisher" } },
  timeline: [waitFor("pubsub-subscriber", "received", { count: 100 })],
  figures: history => {
    const order = events(history, "pubsub-subscriber", "received").map(e => e.producer as string)
    return {
      "pubsub-publisher": fanOut(history, { producer: "pubsub-publisher", consumer: "pubsub-subscriber" }) ?? null,
      "pubsub-publisher-2": fanOut(history, { producer: "pubsub-publisher-2", consumer: "pubsub-subscriber" }) ?? null,
      switches: order.filter((producer, i) => i > 0 && producer !== order[i - 1]).length,
      received: order.length,
    }
  },
  checks: f => [
    ["from pubsub-publisher", f["pubsub-publisher"]?.received ?? null, atLeast(40)],
    ["from pubsub-publisher-2", f["pubsub-publisher-2"]?.received ?? null, atLeast(40)],
    ["switches between the streams", f.switches, atLeast(f.received / 4)],
    ["lost once joined, pubsub-publisher", f["pubsub-publisher"]?.lost ?? null, equals(0)],
    ["lost once joined, pubsub-publisher-2", f["pubsub-publisher-2"]?.lost ?? null, equals(0)],
  ],
})
