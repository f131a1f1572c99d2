// Requests already handled, remembered in a directory (in a volume) so that a
// retried request is handled once: across a restart of the process, and across
// processes that share the directory (the Paranoid Pirate's workers, either of
// which may get the retry). Used by the Lazy Pirate's server and the Paranoid
// Pirate's workers.
//
// A request counts as handled when its work is done and its result recorded,
// never before: the record is the result itself, one file per request, made
// with link(2), which fails when the name exists. So the first process to
// finish the work wins, whatever the others do; a worker killed mid-work
// leaves no record, and the retry does the work. A paused worker that resumes
// after its sibling handled the retry finishes its work, finds the record,
// and answers with the recorded result: the work's effect counts once.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Envelope } from "./envelope.js"

/** The request's identity: producer, its incarnation, its seq. */
export const requestKey = (request: Envelope) => `${request.producer}/${request.incarnation}/${request.seq}`

/** Pure: a key as a file name (no path separators, nothing but [A-Za-z0-9._-]). */
export const fileNameOf = (key: string) => key.replace(/[^A-Za-z0-9._-]/g, c => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)

export type Outcome = { outcome: "delivered"; body: unknown } | { outcome: "absorbed"; body: unknown }

export class HandledRequests {
  /** Recorded by this process (for its stats line). */
  recorded = 0
  private drafts = 0

  constructor(
    private readonly directory: string,
    private readonly owner: string,
  ) {
    mkdirSync(directory, { recursive: true })
  }

  private path(key: string): string {
    return join(this.directory, fileNameOf(key))
  }

  /** The recorded result of a request handled before, or undefined. */
  find(key: string): { body: unknown } | undefined {
    try {
      return { body: JSON.parse(readFileSync(this.path(key), "utf8")) as unknown }
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined
      throw error
    }
  }

  /**
   * Records the result of work just done. True when this is the request's
   * record; false when another process recorded one first (which stands).
   */
  record(key: string, body: unknown): boolean {
    // Written whole under a name of our own, then linked into place: a reader
    // never sees half a record, and link() lets exactly one process win.
    const draft = join(this.directory, `.draft-${fileNameOf(this.owner)}-${++this.drafts}`)
    writeFileSync(draft, JSON.stringify(body ?? null))
    try {
      linkSync(draft, this.path(key))
      this.recorded += 1
      return true
    } catch (error) {
      if ((error as { code?: string }).code === "EEXIST") return false
      throw error
    } finally {
      rmSync(draft, { force: true })
    }
  }
}

/**
 * Wraps a request handler so that each request's work counts once: a request
 * recorded before is answered with its recorded result (`absorbed`); a new one
 * is worked on, then recorded (`delivered`), or, when another process recorded
 * it meanwhile, answered with that record (`absorbed`).
 */
export function handleOnce(handled: HandledRequests, work: (request: Envelope) => Promise<unknown>): (request: Envelope) => Promise<Outcome> {
  return async request => {
    const key = requestKey(request)
    const before = handled.find(key)
    if (before) return { outcome: "absorbed", body: before.body }
    const body = await work(request)
    if (handled.record(key, body)) return { outcome: "delivered", body }
    return { outcome: "absorbed", body: handled.find(key)?.body ?? body }
  }
}
