// PUB/SUB: a subscriber to topic A never receives topic B. Subscriptions are
// prefix matches, though: topic "A" also matches "A-extra".
import { count } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "pubsub-topic-filter",
  claim: "A subscriber to topic A never receives topic B.",
  note: 'True, but a subscription is a prefix match: the subscriber to "ticks" also receives topic "ticks-extra". Filtering happens on the publisher side (since ZMTP 3), so nothing of topic B even crosses the network.',
  services: ["pubsub-publisher", "pubsub-publisher-b", "pubsub-publisher-prefix", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20" },
  serviceEnv: {
    "pubsub-subscriber": {
      PUBSUB_TOPIC: "ticks",
      PUBSUB_CONNECT: "tcp://pubsub-publisher:5556,tcp://pubsub-publisher-b:5556,tcp://pubsub-publisher-prefix:5556",
    },
  },
  extraServices: {
    "pubsub-publisher-b": { like: "pubsub-publisher", env: { PUBSUB_TOPIC: "other" } },
    "pubsub-publisher-prefix": { like: "pubsub-publisher", env: { PUBSUB_TOPIC: "ticks-extra" } },
  },
  timeline: [waitFor("pubsub-subscriber", "received", { count: 80 }), waitFor("pubsub-publisher-b", "sent", { count: 40 })],
  figures: history => ({
    topicA: count(history, "pubsub-subscriber", "received", e => e.topic === "ticks"),
    topicB: count(history, "pubsub-subscriber", "received", e => e.topic === "other"),
    topicBSent: count(history, "pubsub-publisher-b", "sent"),
    prefixTopic: count(history, "pubsub-subscriber", "received", e => e.topic === "ticks-extra"),
    subscriptionsAtB: count(history, "pubsub-publisher-b", "subscribe"),
  }),
  checks: f => [
    ['received of topic "ticks"', f.topicA, atLeast(20)],
    ['received of topic "other" (published meanwhile)', f.topicB, equals(0)],
    ['received of topic "ticks-extra" (prefix match)', f.prefixTopic, atLeast(1)],
  ],
})
