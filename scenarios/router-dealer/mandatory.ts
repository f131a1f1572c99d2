// ROUTER/DEALER: the client dies while the workers hold its requests. Their
// replies reach the broker's ROUTER for a peer that is gone. With
// ROUTER_MANDATORY (the lab's default, with a send timeout) each such send
// fails and the broker counts and logs it (`unroutable`); without it the
// ROUTER drops them without a word.
import { count, events } from "../runner/checkers.js"
import type { HistoryEvent } from "../runner/history.js"
import { atLeast, equals, kill, reported, same, scenario, sleep, waitFor, type Variant } from "../runner/dsl.js"

const CLIENT = "router-dealer-client"
const WORKERS = ["router-dealer-worker-1", "router-dealer-worker-2"]

const variant = (name: string, mandatory: boolean): Variant => ({
  name,
  services: ["router-dealer-broker", ...WORKERS, CLIENT],
  // Long work and pairs of requests: the kill finds requests in the workers'
  // hands. About as many requests a second (2) as the two workers handle
  // (2 to 3), so the queue behind them stays short: each reply for the gone
  // client may hold the next for ROUTER_SEND_TIMEOUT_MS, and all of them must
  // be tried within the span below (a run with 3 a second found 14 replies
  // queued, 7 s of tries, one past the span).
  env: { ROUTER_DEALER_WORK_MS_MIN: "600", ROUTER_DEALER_WORK_MS_MAX: "900", ROUTER_DEALER_BURST: "2", ROUTER_DEALER_RATE: "1" },
  serviceEnv: { "router-dealer-broker": { ROUTER_MANDATORY: String(mandatory) } },
  timeline: [
    waitFor(CLIENT, "received", { count: 4 }),
    waitFor(WORKERS[0]!, "received", { from: "now" }),
    kill(CLIENT),
    // The work in hand (900 ms at most) ends, and its replies are tried (up to ROUTER_SEND_TIMEOUT_MS each), in this span: the experiment's input.
    sleep(6000),
  ],
})

const toClient = (e: HistoryEvent) => (e.inReplyTo as { producer?: string } | undefined)?.producer === CLIENT
const replySeq = (e: HistoryEvent) => (e.inReplyTo as { seq?: number } | undefined)?.seq

function figuresOf(history: Parameters<typeof events>[0], name: string) {
  const h = history.filter(e => e.variant === name)
  // The replies the client never got: sent by a worker, never received. (Not
  // "sent after the kill": a reply a worker sent just before it may reach the
  // broker only after, and is as undeliverable.)
  const received = new Set(events(h, CLIENT, "received").map(replySeq))
  const undelivered = WORKERS.flatMap(w => events(h, w, "sent", e => toClient(e) && !received.has(replySeq(e)))).map(replySeq)
  return {
    repliesForTheGoneClient: undelivered.length,
    unroutableLogged: count(h, "router-dealer-broker", "unroutable", toClient),
  }
}

export default scenario({
  name: "router-dealer-mandatory",
  claim: "A ROUTER drops replies to a peer that is gone without a word; with ROUTER_MANDATORY each one fails and is counted.",
  note: "With ROUTER_MANDATORY alone, the first reply to the departed client did not fail: its send waited (the peer's pipe was neither writable nor gone, libzmq #2348), holding every reply behind it until the broker stopped, 3 s later; one was counted, ten were stuck. So the lab's mandatory ROUTERs send with a timeout (ROUTER_SEND_TIMEOUT_MS, 500 ms): a send that cannot go out fails and is counted, and the replies behind it move on, each such reply still holding the others for the timeout.",
  variants: [variant("mandatory", true), variant("silent", false)],
  figures: history => ({ mandatory: figuresOf(history, "mandatory"), silent: figuresOf(history, "silent") }),
  checks: f => [
    ["mandatory: replies for the gone client", f.mandatory.repliesForTheGoneClient, atLeast(1)],
    ["mandatory: each one counted as unroutable", [f.mandatory.unroutableLogged, f.mandatory.repliesForTheGoneClient], same("unroutable = replies")],
    ["silent: replies for the gone client", f.silent.repliesForTheGoneClient, atLeast(1)],
    ["silent: unroutable logged", f.silent.unroutableLogged, equals(0)],
    ["replies dropped: counted vs silent", `${f.mandatory.unroutableLogged} vs ${f.silent.unroutableLogged}`, reported],
  ],
})
