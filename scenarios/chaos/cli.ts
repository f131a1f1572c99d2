// make chaos PATTERN=<pipeline|reqrep|router-dealer|pubsub> DURATION=60 SEED=<n>
// Runs the naive and the reliable variant of a pattern under the same seeded
// faults; exit status 0 when the reliable variant passes. With --verdicts, the
// pattern's row of docs/verdicts.md is replaced by this run's.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { root, runsDir } from "../../harness/compose.js"
import { terminalTable, writeRun } from "../runner/report.js"
import { runScenario, teardownAll } from "../runner/runner.js"
import { withChaosRow } from "../runner/verdicts.js"
import { chaosScenario, type ChaosFigures } from "./chaos.js"
import { describeVariant, patterns } from "./patterns.js"
import { parseKinds, type FaultKind } from "./schedule.js"

const print = (line: string) => process.stdout.write(`${line}\n`)
const args = process.argv.slice(2)
const updateVerdicts = args.includes("--verdicts")
const [patternName = "", durationArg = "60", seedArg = "", faultsArg = ""] = args.filter(arg => arg !== "--verdicts")
const pattern = patterns[patternName]
if (!pattern) {
  print(`usage: make chaos PATTERN=<${Object.keys(patterns).join("|")}> DURATION=60 SEED=<n>`)
  process.exit(2)
}
const durationS = Number(durationArg)
const seed = seedArg === "" ? Math.floor(Math.random() * 1_000_000) : Number(seedArg)
if (!Number.isInteger(durationS) || durationS < 5 || !Number.isInteger(seed)) {
  print(`DURATION must be a whole number of seconds (at least 5) and SEED a whole number; got ${durationArg}, ${seedArg}`)
  process.exit(2)
}

process.on("SIGINT", () => {
  print("\ninterrupted: tearing down")
  void teardownAll().finally(() => process.exit(130))
})

let kinds: FaultKind[]
try {
  kinds = parseKinds(faultsArg)
} catch (error) {
  print((error as Error).message)
  process.exit(2)
}
const scenario = chaosScenario(pattern, { durationS, seed, kinds })
print(`== ${scenario.name} (${scenario.title ?? ""}), seed ${seed} (repeat it with SEED=${seed}): ${scenario.claim}`)
const { result, history } = await runScenario(scenario, { print })
const folder = writeRun(runsDir, scenario, result, history)
print(terminalTable(result))
print(`report: ${folder}/report.md   page: ${folder}/report.html   timeline: ${folder}/timeline.svg`)

// The pattern's row in docs/verdicts.md: the latest run.
const { naive, reliable, faultsApplied, faultSpanMs } = result.figures as ChaosFigures
const row = `| \`${pattern.name}\`: ${scenario.title ?? ""} | ${seed}: ${faultsApplied} faults in ${(faultSpanMs / 1000).toFixed(1)} s | ${pattern.naive.label}: ${describeVariant(naive)} | ${pattern.reliable.label}: ${describeVariant(reliable)} | ${naive.longestOutageMs} / ${reliable.longestOutageMs} ms | ${result.verdict} |`
// The verdicts' rows are the default kinds' runs: a run with other faults is its own report only.
if (updateVerdicts && faultsArg.trim() !== "")
  print("docs/verdicts.md: left as it is (FAULTS chosen: the rows there are the default kill, pause, disconnect runs)")
else if (updateVerdicts) {
  const verdicts = join(root, "docs", "verdicts.md")
  writeFileSync(verdicts, withChaosRow(existsSync(verdicts) ? readFileSync(verdicts, "utf8") : "# Verdicts\n", pattern.name, row))
  print("docs/verdicts.md: naive vs reliable row updated")
}
process.exit(result.verdict === "PASS" ? 0 : 1)
