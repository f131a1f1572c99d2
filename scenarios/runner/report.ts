// What a run leaves behind: runs/<timestamp>-<name>/ with history.ndjson,
// result.json, report.md and report.html, a runs/latest link, the table on the terminal, and
// docs/verdicts.md for a run of the whole catalogue.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describeStream, type StreamFigures } from "../../shared/accounting.js"
import type { Scenario } from "./dsl.js"
import { toNdjson, type History } from "./history.js"
import { reportHtml } from "./report-html.js"
import type { RunResult } from "./runner.js"

/** A run's name, with what it compares where the scenario says ("chaos-pipeline (naive PUSH/PULL vs reliable pipeline)"). */
const named = (result: RunResult): string => (result.title ? `${result.scenario} (${result.title})` : result.scenario)

export const show = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value))

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)))
  return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ")).join("\n")
}

export function terminalTable(result: RunResult): string {
  const rows = [["check", "expected", "observed", "verdict"], ...result.checks.map(c => [c.name, c.expected, show(c.observed), c.pass ? "pass" : "FAIL"])]
  const error = result.error ? `\nerror: ${result.error}` : ""
  return `${table(rows)}${error}\n${named(result)}: ${result.verdict} (${(result.durationMs / 1000).toFixed(1)} s)`
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

/** One line per stream of the run's standard figures, in words. */
function streamLines(result: RunResult): string[] {
  const streams = (result.figures.streams ?? {}) as Record<string, StreamFigures>
  const lines = Object.entries(streams).map(([name, figures]) => `- \`${name}\` (${figures.promise}): ${describeStream(figures)}`)
  return lines.length > 0 ? lines : ["(none: no service of this run numbers a data stream)"]
}

export function reportMarkdown(scenario: Scenario, result: RunResult): string {
  const lines = [
    `# ${named(result)}: ${result.verdict}`,
    "",
    `**Claim:** ${scenario.claim}`,
    "",
    ...(scenario.note ? [`**What the run shows:** ${scenario.note}`, ""] : []),
    ...Object.keys(result.artifacts ?? {})
      .filter(name => name.endsWith(".svg"))
      .flatMap(name => [`![${name}](${name})`, ""]),
    `Run at ${result.startedAt}, ${(result.durationMs / 1000).toFixed(1)} s.${result.error ? ` **Error:** ${result.error}` : ""}`,
    "",
    "## Checks",
    "",
    "| check | expected | observed | verdict |",
    "|---|---|---|---|",
    ...result.checks.map(c => `| ${cell(c.name)} | ${cell(c.expected)} | ${cell(show(c.observed))} | ${c.pass ? "pass" : "**FAIL**"} |`),
    "",
    "## Streams",
    "",
    "Every stream of the run, judged by its pattern's promise, counted from the history (see docs/figures.md).",
    "",
    ...streamLines(result),
    "",
    "## Figures",
    "",
    "```json",
    JSON.stringify(result.figures, null, 2),
    "```",
    "",
    "## Timeline",
    "",
    ...scenario.variants.flatMap(variant => [
      ...(scenario.variants.length > 1 ? [`Variant **${variant.name}**:`, ""] : []),
      `1. start ${variant.services.join(", ")}`,
      ...variant.timeline.map(
        action =>
          `1. ${action.kind === "wait" ? `wait for ${action.description}` : action.kind === "sleep" ? `sleep ${action.ms} ms` : `${action.kind} ${"service" in action ? action.service : "services" in action ? action.services.join(", ") : ""}`}`,
      ),
      "",
    ]),
    "## Commands run",
    "",
    "Replay the experiment by hand with these (the override file sets the scenario's environment).",
    "",
    "```sh",
    ...result.commands,
    "```",
    "",
    "Files: `report.html` (this report as a page, with a plot per stream), `history.ndjson` (every event of the run, the runner's actions included), `result.json` (this report as data).",
    "",
  ]
  return lines.join("\n")
}

/** Writes the run folder and points runs/latest at it; returns the folder. */
export function writeRun(runsDir: string, scenario: Scenario, result: RunResult, history: History): string {
  const stamp = result.startedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")
  const folder = join(runsDir, `${stamp}-${scenario.name}`)
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, "history.ndjson"), toNdjson(history))
  const { artifacts = {}, ...data } = result
  for (const [name, content] of Object.entries(artifacts)) writeFileSync(join(folder, name), content)
  writeFileSync(join(folder, "result.json"), JSON.stringify(data, null, 2) + "\n")
  writeFileSync(join(folder, "report.md"), reportMarkdown(scenario, result))
  writeFileSync(join(folder, "report.html"), reportHtml(scenario, result, history))
  const latest = join(runsDir, "latest")
  rmSync(latest, { force: true })
  symlinkSync(`${stamp}-${scenario.name}`, latest)
  return folder
}

export function verdictsMarkdown(results: RunResult[]): string {
  const passed = results.filter(r => r.verdict === "PASS").length
  const skipped = results.filter(r => r.verdict === "SKIPPED").length
  return [
    "# Verdicts",
    "",
    "Every claim of the scenario catalogue, run against the real Docker engine by `make scenarios`,",
    "which writes this file. Each row: the claim, what was expected, what was observed, the verdict.",
    "A run's full report (figures, timeline, the exact commands) is in `runs/<timestamp>-<name>/report.md`.",
    "",
    `${passed} of ${results.length} scenarios pass${skipped > 0 ? ` (${skipped} SKIPPED: this machine lacks what they need; each row says what)` : ""}; the whole catalogue took ${(results.reduce((s, r) => s + r.durationMs, 0) / 60_000).toFixed(1)} min.`,
    "",
    "| scenario | claim | expected | observed | verdict | time |",
    "|---|---|---|---|---|---|",
    ...results.map(r => {
      const expected = r.checks.map(c => `${c.name}: ${c.expected}`).join("<br>")
      const observed = r.checks.map(c => `${c.name}: ${show(c.observed)}`).join("<br>") + (r.error ? `<br>error: ${r.error}` : "")
      return `| \`${r.scenario}\` | ${cell(r.claim)}${r.note ? `<br>*${cell(r.note)}*` : ""} | ${cell(expected)} | ${cell(observed)} | ${r.verdict} | ${(r.durationMs / 1000).toFixed(0)} s |`
    }),
    "",
  ].join("\n")
}
