// An append-only journal of JSON lines in a volume: what a reliable service must
// remember across its own death (tasks not yet acknowledged, ids already
// delivered). Each entry is written with a plain write before the service acts
// on it: a killed process loses nothing the kernel already has, and a torn last
// line (a crash mid-write) is skipped on replay.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs"
import { dirname } from "node:path"

export class Journal<E> {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
  }

  /** Every entry written so far (by this process or an earlier one). */
  entries(): E[] {
    if (!existsSync(this.path)) return []
    return parseJournal<E>(readFileSync(this.path, "utf8"))
  }

  append(entry: E): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`)
  }
}

/** Pure: the entries of a journal's text; an incomplete last line is left out. */
export function parseJournal<E>(text: string): E[] {
  const entries: E[] = []
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue
    try {
      entries.push(JSON.parse(line) as E)
    } catch {
      // a line cut short by a crash: it was never acted on
    }
  }
  return entries
}
