// docs/verdicts.md has two parts: the catalogue's table (rewritten by
// `make scenarios`) and the "naive vs reliable under the same faults" table
// (one row per pattern, updated by `make chaos`). Each command keeps the other
// part as it is. Pure functions on the file's text.

const START = "<!-- chaos:start -->"
const END = "<!-- chaos:end -->"
const HEADER = [
  "## Naive vs reliable under the same faults",
  "",
  "`make chaos PATTERN=<pattern> DURATION=60 SEED=<n>` runs both variants of a pattern side by side under the same seeded faults;",
  "each row is the latest such run. The verdict judges the reliable variant only: PASS when nothing it acknowledged was lost",
  "and nothing was delivered twice; the naive variant's losses are reported. Pub/sub has no acknowledgements: there every",
  "published change counts (applied, or included in a loaded snapshot), and the copy's final state must equal the publisher's.",
  "Delivered: what reached the application (the sink; the server or workers, after deduplication; the subscriber's copy).",
  "",
  "| pattern | seed, faults | naive: attempted / delivered / lost / duplicated | reliable: attempted / acknowledged / delivered / lost / duplicated | longest outage naive / reliable | verdict |",
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
