// CURVE: a client without CURVE at all (the plain ZMTP the lab speaks by
// default) against a CURVE server: the security mechanisms do not match, the
// handshake fails on both sides, and not one request or reply crosses.
import { count } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"
import { causes, requestsFrom, served, withIntruder } from "./figures.js"

export default scenario({
  name: "curve-plain-client",
  claim: "A plain client (no CURVE) is refused by a CURVE server: mechanism mismatch, logged on both sides; it gets nothing.",
  note: "The client names the mismatch; the server sees either the mismatch or, when the client hangs up first, a handshake broken off (EPIPE). And libzmq does not reconnect after a handshake that failed on the protocol: the plain client stays without a connection until it opens a new socket (here, after each request's timeout).",
  security: "curve",
  services: ["reqrep-server", "reqrep-client", "curve-plain"],
  ...withIntruder("curve-plain"),
  timeline: [
    waitFor("curve-plain", "handshake-failed", { where: e => e.cause === "mechanism-mismatch", from: "start" }),
    waitFor("reqrep-server", "handshake-failed", { from: "start" }),
    waitFor("reqrep-client", "received", { count: 30, from: "start" }),
  ],
  figures: history => ({
    serverCauses: causes(history, "reqrep-server"),
    plainCauses: causes(history, "curve-plain"),
    plainReplies: count(history, "curve-plain", "received"),
    serverGotFromPlain: requestsFrom(history, "reqrep-server", "curve-plain"),
    allowedClient: served(history, "reqrep-client"),
  }),
  checks: f => [
    ["plain client: handshakes failed as mechanism mismatch", f.plainCauses["mechanism-mismatch"] ?? 0, atLeast(1)],
    ["server: handshakes failed", Object.values(f.serverCauses).reduce((a, b) => a + b, 0), atLeast(1)],
    ["plain client: replies", f.plainReplies, equals(0)],
    ["server: requests from the plain client", f.serverGotFromPlain, equals(0)],
    ["allowed client: replies", f.allowedClient.replies, atLeast(30)],
    ["allowed client: requests lost (recounted)", f.allowedClient.lost, equals(0)],
  ],
})
