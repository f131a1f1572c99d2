// CURVE: a client that trusts the wrong server key, next to the same client
// with its server down. Both only time out; the logs tell them apart. With the
// wrong key, TCP connects (the server is there), the server cannot decrypt the
// client's hello (wrong-server-key) and the client sees the connection closed
// in its handshake. With the server down, the client never connects at all:
// connect:retry, and no handshake to fail.
import { count, ofVariant } from "../runner/checkers.js"
import type { History } from "../runner/history.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"
import { causes } from "./figures.js"

const ENV = { REQREP_INTERVAL_MS: "100", REQREP_TIMEOUT_MS: "1000" }

function figuresOf(history: History, client: string) {
  return {
    connected: count(history, client, "socket.connect"),
    retries: count(history, client, "socket.connect:retry"),
    clientCauses: causes(history, client),
    serverCauses: causes(history, "reqrep-server"),
    replies: count(history, client, "received"),
  }
}

export default scenario({
  name: "curve-wrong-server-key",
  claim: "A client with the wrong server key fails its handshakes, logged on both sides, which a down server never shows: the two can be told apart.",
  note: "The client alone cannot know which key is wrong: it sees its server close the connection during the handshake. The server names it (ERR_ZMTP_CRYPTOGRAPHIC: the client's hello was not for this server's key).",
  variants: [
    {
      name: "wrong-key",
      security: "curve",
      services: ["reqrep-server", "curve-impostor"],
      env: ENV,
      timeline: [waitFor("reqrep-server", "handshake-failed", { count: 5, where: e => e.cause === "wrong-server-key" })],
    },
    {
      name: "server-down",
      security: "curve",
      services: ["reqrep-client"],
      env: ENV,
      timeline: [waitFor("reqrep-client", "socket.connect:retry", { count: 5 })],
    },
  ],
  figures: history => ({
    wrongKey: figuresOf(ofVariant(history, "wrong-key"), "curve-impostor"),
    serverDown: figuresOf(ofVariant(history, "server-down"), "reqrep-client"),
  }),
  checks: f => [
    ["wrong key: TCP connections made", f.wrongKey.connected, atLeast(1)],
    ["wrong key: client handshakes closed by the server", f.wrongKey.clientCauses["closed-in-handshake"] ?? 0, atLeast(3)],
    ["wrong key: server names the wrong server key", f.wrongKey.serverCauses["wrong-server-key"] ?? 0, atLeast(5)],
    ["wrong key: replies", f.wrongKey.replies, equals(0)],
    ["server down: TCP connections made", f.serverDown.connected, equals(0)],
    ["server down: connect retries", f.serverDown.retries, atLeast(5)],
    ["server down: handshake failures", Object.keys(f.serverDown.clientCauses), equals([])],
  ],
})
