// PUB/SUB: one subscriber connected to two publishers receives both streams,
// interleaved (SUB fair-queues between its connections).
import { delivery, events } from "./runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "./runner/dsl.js"

export default scenario({
  name: "ps-two-publishers",
  claim: "One subscriber connected to two publishers receives both streams, interleaved.",
  services: ["pubsub-publisher", "pubsub-publisher-2", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20" },
  serviceEnv: { "pubsub-subscriber": { PUBSUB_CONNECT: "tcp://pubsub-publisher:5556,tcp://pubsub-publisher-2:5556" } },
  extraServices: { "pubsub-publisher-2": { like: "pubsub-publisher" } },
  timeline: [waitFor("pubsub-subscriber", "received", { count: 100 })],
  figures: history => {
    const received = events(history, "pubsub-subscriber", "received")
    const end = received.at(-1)?.t ?? 0
    const from = (producer: string) => {
      const first = received.find(e => e.producer === producer)?.t ?? end
      return delivery(history, { producer, consumer: "pubsub-subscriber", sentWhere: e => e.t >= first && e.t < end - 200 })
    }
    const order = received.map(e => e.producer as string)
    return {
      "pubsub-publisher": from("pubsub-publisher"),
      "pubsub-publisher-2": from("pubsub-publisher-2"),
      switches: order.filter((producer, i) => i > 0 && producer !== order[i - 1]).length,
      received: order.length,
    }
  },
  checks: f => [
    ["from pubsub-publisher", f["pubsub-publisher"].received, atLeast(40)],
    ["from pubsub-publisher-2", f["pubsub-publisher-2"].received, atLeast(40)],
    ["switches between the streams", f.switches, atLeast(f.received / 4)],
    ["lost (both streams, once joined)", f["pubsub-publisher"].lost + f["pubsub-publisher-2"].lost, equals(0)],
  ],
})
