// CURVE: a client whose key is not on the server's allow-list. The server's ZAP
// handler refuses it (auth:denied, with its key's id), the client sees an auth
// failure in its handshake (not a silence), nothing it sends reaches the
// server and nothing comes back to it, and the allowed client beside it is
// served all along.
import { count } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"
import { causes, decisions, keyOf, requestsFrom, served, withIntruder } from "./figures.js"

export default scenario({
  name: "curve-unknown-client",
  claim: "A client with a key not on the allow-list is refused, and both sides say so: denied on the server, an auth handshake error on the client.",
  note: "Without the monitor's events the refused client looks exactly like one whose server is down: its requests time out. The difference is in the log: handshake-failed with cause denied, never reached without a server that answered.",
  security: "curve",
  services: ["reqrep-server", "reqrep-client", "curve-stranger"],
  ...withIntruder("curve-stranger"),
  timeline: [waitFor("reqrep-server", "auth:denied", { count: 3 }), waitFor("reqrep-client", "received", { count: 30, from: "start" })],
  figures: history => {
    const stranger = keyOf(history, "curve-stranger")
    return {
      strangerKeyDenied: decisions(history, "reqrep-server", stranger, "auth:denied"),
      strangerKeyAllowed: decisions(history, "reqrep-server", stranger, "auth:allowed"),
      allowedClientDenied: decisions(history, "reqrep-server", keyOf(history, "reqrep-client"), "auth:denied"),
      strangerHandshakeCauses: causes(history, "curve-stranger"),
      strangerReplies: count(history, "curve-stranger", "received"),
      serverGotFromStranger: requestsFrom(history, "reqrep-server", "curve-stranger"),
      allowedClient: served(history, "reqrep-client"),
    }
  },
  checks: f => [
    ["server: the stranger's key denied", f.strangerKeyDenied, atLeast(3)],
    ["server: the stranger's key allowed", f.strangerKeyAllowed, equals(0)],
    ["stranger: handshakes failed as denied", f.strangerHandshakeCauses.denied ?? 0, atLeast(1)],
    ["stranger: other handshake failures", Object.keys(f.strangerHandshakeCauses).filter(c => c !== "denied"), equals([])],
    ["stranger: replies", f.strangerReplies, equals(0)],
    ["server: requests from the stranger", f.serverGotFromStranger, equals(0)],
    ["allowed client: denied", f.allowedClientDenied, equals(0)],
    ["allowed client: replies", f.allowedClient.replies, atLeast(30)],
    ["allowed client: requests lost (recounted)", f.allowedClient.lost, equals(0)],
  ],
})
