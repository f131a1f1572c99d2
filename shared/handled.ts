// Requests already handled, remembered in a directory (in a volume) so that a
// retried request is handled once: across a restart of the process, and across
// processes that share the directory (the Paranoid Pirate's workers, either of
// which may get the retry). Used by the Lazy Pirate's server and the Paranoid
// Pirate's workers.
//
// Each handled request is one empty file named after its key, created with
// O_EXCL: creating it is the claim, and the kernel lets exactly one process
// win it, even two workers handed the same retried request at the same moment
// (a paused worker resuming while its sibling handles the retry).
import { closeSync, mkdirSync, openSync } from "node:fs"
import { join } from "node:path"
import type { Envelope } from "./envelope.js"
import type { Service } from "./service.js"

/** The request's identity: producer, its incarnation, its seq. */
export const requestKey = (request: Envelope) => `${request.producer}/${request.incarnation}/${request.seq}`

/** Pure: a key as a file name (no path separators, nothing but [A-Za-z0-9._-]). */
export const fileNameOf = (key: string) => key.replace(/[^A-Za-z0-9._-]/g, c => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)

export class HandledRequests {
  /** Claimed by this process (for its stats line). */
  claimed = 0

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true })
  }

  /**
   * True when `key` was not handled before: it is marked now, before the work,
   * and the caller handles it. False when it was (by this process, an earlier
   * one, or a sibling): the caller answers without handling it again.
   */
  claim(key: string): boolean {
    try {
      closeSync(openSync(join(this.directory, fileNameOf(key)), "wx"))
    } catch (error) {
      if ((error as { code?: string }).code === "EEXIST") return false
      throw error
    }
    this.claimed += 1
    return true
  }
}

/**
 * Wraps a request handler so that each request is handled once: a request
 * claimed before is answered with {duplicate: true} and logged as
 * `duplicate-dropped`; a new one is logged as `delivered` (what the checkers
 * count as the application receiving it) and handled.
 */
export function handleOnce(service: Service<unknown>, handled: HandledRequests, handle: (request: Envelope) => Promise<unknown>): (request: Envelope) => Promise<unknown> {
  return async request => {
    const where = { producer: request.producer, incarnation: request.incarnation, seq: request.seq }
    if (!handled.claim(requestKey(request))) {
      service.log.info("duplicate-dropped", `request ${request.seq} of ${request.producer} was handled before: answered, not handled again`, where)
      return { duplicate: true, servedBy: service.name }
    }
    service.log.info("delivered", `request ${request.seq} of ${request.producer} handled`, where)
    return handle(request)
  }
}
