// REQ/REP: three clients on one server each get exactly their own replies
// (REP keeps each request's return address).
import { count, each, events, foreignReplies, requestReply } from "../runner/checkers.js"
import { atLeast, equals, scenario, waitFor } from "../runner/dsl.js"

const CLIENTS = ["reqrep-client", "reqrep-client-2", "reqrep-client-3"]

export default scenario({
  name: "reqrep-three-clients",
  claim: "Three clients on one server each get exactly their own replies.",
  services: ["reqrep-server", ...CLIENTS],
  env: { REQREP_INTERVAL_MS: "100", REQREP_WORK_MS: "5" },
  extraServices: { "reqrep-client-2": { like: "reqrep-client" }, "reqrep-client-3": { like: "reqrep-client" } },
  timeline: CLIENTS.map(client => waitFor(client, "received", { count: 30, from: "start" })),
  figures: history =>
    each(CLIENTS, client => {
      const replies = events(history, client, "received")
      const requests = requestReply(history, client)
      return {
        answered: requests?.received ?? null,
        lost: requests?.lost ?? null,
        foreignReplies: foreignReplies(history, client),
        servedByServer: count(history, "reqrep-server", "delivered", e => e.producer === client),
        // The server echoes the request's body ("request <n>"): the reply must carry the client's own n.
        repliesMatchRequests:
          replies.length > 0 &&
          replies.every(e => (e.inReplyTo as { seq: number }).seq === Number((e.body as { echo: { question: string } }).echo.question.split(" ").at(-1))),
      }
    }),
  checks: f =>
    CLIENTS.flatMap(client => [
      [`${client}: replies`, f[client]!.answered, atLeast(30)],
      [`${client}: requests lost`, f[client]!.lost, equals(0)],
      [`${client}: replies to another client`, f[client]!.foreignReplies, equals(0)],
      [`${client}: each reply answers its own request`, f[client]!.repliesMatchRequests, equals(true)],
    ]),
})
