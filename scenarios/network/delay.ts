// Network, where the kernel has netem: 100 ms ± 20 ms added to everything the
// REQ/REP server sends. Each round trip takes that much longer; nothing is
// lost. Reported SKIPPED, with the reason, on a kernel without netem.
import { requestReply } from "../runner/checkers.js"
import { atLeast, equals, fault, heal, scenario, waitFor } from "../runner/dsl.js"

export default scenario({
  name: "network-delay",
  claim: "100 ms ± 20 ms of delay on a REQ/REP server's link adds about 100 ms to every round trip and loses nothing.",
  requires: ["netem"],
  services: ["reqrep-server", "reqrep-client"],
  env: { REQREP_INTERVAL_MS: "200" },
  timeline: [
    waitFor("reqrep-client", "received", { count: 10 }),
    fault("reqrep-server", { kind: "jitter", ms: 100, jitterMs: 20 }),
    waitFor("reqrep-client", "received", { count: 30, timeoutMs: 30_000 }),
    heal("reqrep-server"),
  ],
  figures: history => {
    const requests = requestReply(history, "reqrep-client")
    return { p50: requests?.latencyP50Ms ?? null, p99: requests?.latencyP99Ms ?? null, lost: requests?.lost ?? null }
  },
  checks: f => [
    ["round trip p99 (ms)", f.p99, atLeast(80)],
    ["lost", f.lost, equals(0)],
  ],
})
