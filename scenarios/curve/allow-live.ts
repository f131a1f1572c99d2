// CURVE: a refused client's key dropped into the allow-list (as a person would
// copy a .pub file into keys/allowed/) lets it in at its next handshake: no
// restart of the server, no restart of the client.
import { actionTime, count, events } from "../runner/checkers.js"
import { allowKey, atLeast, equals, scenario, waitFor } from "../runner/dsl.js"
import { decisions, keyOf, served, withIntruder } from "./figures.js"

export default scenario({
  name: "curve-allow-live",
  claim: "Adding a client's key to the allow-list lets that client in without restarting anything.",
  security: "curve",
  services: ["reqrep-server", "reqrep-client", "curve-stranger"],
  ...withIntruder("curve-stranger"),
  timeline: [
    waitFor("reqrep-server", "auth:denied", { count: 2 }),
    allowKey("stranger"),
    waitFor("reqrep-server", "auth:allowed", { where: e => e.reason === "OK" && e.address !== undefined, count: 1 }),
    waitFor("curve-stranger", "received", { count: 10 }),
  ],
  figures: history => {
    const allowedAt = actionTime(history, "allow", "stranger")
    const stranger = keyOf(history, "curve-stranger")
    const before = (e: { t: number }) => allowedAt !== undefined && e.t < allowedAt
    const after = (e: { t: number }) => allowedAt !== undefined && e.t >= allowedAt
    const firstReply = events(history, "curve-stranger", "received").find(after)
    return {
      deniedBefore: decisions(history, "reqrep-server", stranger, "auth:denied", before),
      allowedAfter: decisions(history, "reqrep-server", stranger, "auth:allowed", after),
      deniedAfter: decisions(history, "reqrep-server", stranger, "auth:denied", e => after(e) && firstReply !== undefined && e.t > firstReply.t),
      allowListGrewTo: Math.max(0, ...events(history, "reqrep-server", "auth:allow-list").map(e => (e.keys as string[]).length)),
      strangerRepliesAfter: count(history, "curve-stranger", "received", after),
      firstReplyAfterMs: firstReply && allowedAt !== undefined ? firstReply.t - allowedAt : null,
      serverStarts: new Set(events(history, "reqrep-server", "listening").map(e => e.instance)).size,
      strangerStarts: new Set(events(history, "curve-stranger", "security").map(e => e.instance)).size,
      allowedClient: served(history, "reqrep-client"),
    }
  },
  checks: f => [
    ["stranger denied before", f.deniedBefore, atLeast(2)],
    ["stranger allowed after", f.allowedAfter, atLeast(1)],
    ["stranger denied after its first reply", f.deniedAfter, equals(0)],
    ["allow-list size the server reports", f.allowListGrewTo, equals(2)],
    ["stranger replies after", f.strangerRepliesAfter, atLeast(10)],
    ["first reply after the key was added (ms)", f.firstReplyAfterMs, atLeast(0)],
    ["server processes (no restart)", f.serverStarts, equals(1)],
    ["stranger processes (no restart)", f.strangerStarts, equals(1)],
    ["allowed client: requests lost (recounted)", f.allowedClient.lost, equals(0)],
  ],
})
