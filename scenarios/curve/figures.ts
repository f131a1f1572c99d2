// What the CURVE scenarios read from a run: who was let in and who was refused,
// by key, and whether the allowed client was served all along. Pure.
import { count, events, requestReply } from "../runner/checkers.js"
import type { History, HistoryEvent } from "../runner/history.js"

/** A client's own key id, from its `security` line. */
export const keyOf = (history: History, client: string): string | undefined =>
  events(history, client, "security").find(e => e.side === "connecting")?.key as string | undefined

/** The server's ZAP decisions about one key. */
export const decisions = (
  history: History,
  server: string,
  key: string | undefined,
  decision: "auth:allowed" | "auth:denied",
  where?: (e: HistoryEvent) => boolean,
) => (key === undefined ? 0 : count(history, server, decision, e => e.key === key && (where?.(e) ?? true)))

/** Handshake failures of one service, by cause. */
export function causes(history: History, service: string): Record<string, number> {
  const byCause: Record<string, number> = {}
  for (const e of events(history, service, "handshake-failed")) byCause[String(e.cause)] = (byCause[String(e.cause)] ?? 0) + 1
  return byCause
}

/** The allowed client beside the refused one: replies, requests lost (recounted). */
export function served(history: History, client: string) {
  const requests = requestReply(history, client)
  return { replies: count(history, client, "received"), lost: requests?.lost ?? null }
}

/** Requests the server received from a client (what leaked through, if anything). */
export const requestsFrom = (history: History, server: string, client: string): number => count(history, server, "received", e => e.producer === client)

/**
 * The run's settings: requests every 100 ms; the refused client gives up on a
 * request sooner (1 s), and so tries a new handshake sooner (a REQ opens a new
 * socket after a timeout; libzmq does not reconnect after a refused handshake).
 */
export const withIntruder = (intruder: string) => ({
  env: { REQREP_INTERVAL_MS: "100" },
  serviceEnv: { [intruder]: { REQREP_TIMEOUT_MS: "1000" } },
})
