// Network: a publisher recreated as a new container, with a new IP address, is
// found again by its hostname: libzmq resolves the name on every reconnect.
import { count, events } from "../runner/checkers.js"
import { atLeast, equals, recordAddress, recreate, scenario, stop, up, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "network-new-ip",
  claim: "A publisher recreated with a different IP address is found again by hostname.",
  note: "Docker gives a freed address to the next container that asks, so a container recreated at once usually gets its old address back. Here a second subscriber starts while the publisher is down and takes that address, so the new publisher gets another one.",
  services: ["pubsub-publisher", "pubsub-subscriber"],
  env: { PUBSUB_RATE: "20" },
  timeline: [
    waitFor("pubsub-subscriber", "received", { count: 20 }),
    recordAddress("pubsub-publisher"),
    stop("pubsub-publisher"),
    up("pubsub-late-subscriber"),
    recreate("pubsub-publisher"),
    recordAddress("pubsub-publisher"),
    waitFor("pubsub-subscriber", "producer-restart"),
    waitFor("pubsub-subscriber", "received", { count: 20 }),
  ],
  figures: history => {
    const addresses = events(history, "runner", "address").map(e => e.ip as string)
    const restart = events(history, "pubsub-subscriber", "producer-restart")[0]
    return {
      addressBefore: addresses[0] ?? null,
      addressAfter: addresses[1] ?? null,
      restartsSeen: count(history, "pubsub-subscriber", "producer-restart"),
      receivedFromNewContainer: count(history, "pubsub-subscriber", "received", e => restart !== undefined && e.incarnation === restart.incarnation),
    }
  },
  checks: f => [
    ["the address changed", f.addressBefore !== null && f.addressAfter !== null && f.addressBefore !== f.addressAfter, equals(true)],
    ["the subscriber saw the new publisher", f.restartsSeen, equals(1)],
    ["received from the new container", f.receivedFromNewContainer, atLeast(20)],
  ],
})
