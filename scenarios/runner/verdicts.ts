// docs/verdicts.md has two parts: the catalogue's table (rewritten by
// `make scenarios`) and the "naive vs reliable under the same faults" table
// (one row per pattern, updated by `make chaos`). Each command keeps the other
// part as it is. Pure functions on the file's text.

const START = "<!-- chaos:start -->"
const END = "<!-- chaos:end -->"
const HEADER = [
  "## Naive vs reliable under the same faults",
  "",
  "`make chaos PATTERN=<pattern> DURATION=60 SEED=<n>` runs both variants of a pattern side by side: both make messages at",
  "10 per second until the same deadline, under the same seeded faults, placed on the real clock (the faults column gives",
  "how many were applied and the real time they spanned, docker commands included); the run waits until both variants",
  "have settled. Each row is the latest such run. The verdict judges the reliable variant only: PASS when every scheduled",
  "fault was applied and it lost nothing, acknowledged nothing it then lost, and delivered nothing twice.",
  "Delivered: reached the application after the work (a task's result at the sink; a request answered, its work done by a",
  "server; a change in the subscriber's copy, applied or in a loaded snapshot). Lost: never delivered. Acknowledged but",
  "lost: acknowledged to the producer (a sink's ack, a reply) although the work was never done. Resends and retries of one",
  'message count once; a redelivery dropped by deduplication is "absorbed".',
  "",
  "| pattern | seed: faults in real time | naive | reliable | longest outage naive / reliable | verdict |",
  "|---|---|---|---|---|---|",
]

/** The chaos section of an existing file (empty when there is none yet). */
export function chaosSection(text: string): string {
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  return start >= 0 && end > start ? text.slice(start, end + END.length) : ""
}

/** Replaces (or adds) the row of `pattern` in the chaos section of `text`. */
export function withChaosRow(text: string, pattern: string, row: string): string {
  const section = chaosSection(text)
  const rows = section
    .split("\n")
    .filter(line => line.startsWith("| `"))
    .filter(line => !line.startsWith(`| \`${pattern}\``))
  rows.push(row)
  rows.sort()
  const next = [START, ...HEADER, ...rows, END].join("\n")
  if (section) return text.replace(section, next)
  return `${text.trimEnd()}\n\n${next}\n`
}

/** The catalogue part, followed by whatever chaos section `previous` had. */
export function withCatalogue(catalogue: string, previous: string): string {
  const section = chaosSection(previous)
  return section ? `${catalogue.trimEnd()}\n\n${section}\n` : catalogue
}
