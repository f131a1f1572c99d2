// make scenario NAME=..., make scenarios, make scenarios-list.
//   cli.ts list
//   cli.ts run NAME [NAME ...]
//   cli.ts all [--verdicts docs/verdicts.md]
// Exit status 0 when every check of every scenario run passed, 1 otherwise.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { catalogue } from "../index.js"
import { root, runsDir } from "../../harness/compose.js"
import { terminalTable, verdictsMarkdown, writeRun } from "./report.js"
import { runScenario, teardownAll, type RunResult } from "./runner.js"
import { withCatalogue } from "./verdicts.js"

const [command = "list", ...args] = process.argv.slice(2)
const print = (line: string) => process.stdout.write(`${line}\n`)

process.on("SIGINT", () => {
  print("\ninterrupted: tearing down")
  void teardownAll().finally(() => process.exit(130))
})

async function run(names: string[]): Promise<RunResult[]> {
  const results: RunResult[] = []
  for (const name of names) {
    const scenario = catalogue.find(s => s.name === name)
    if (!scenario) {
      print(`unknown scenario "${name}"; make scenarios-list shows them`)
      process.exit(2)
    }
    print(`\n== ${scenario.name}: ${scenario.claim}`)
    const { result, history } = await runScenario(scenario, { print })
    const folder = writeRun(runsDir, scenario, result, history)
    print(terminalTable(result))
    print(`report: ${folder}/report.md   page: ${folder}/report.html`)
    results.push(result)
  }
  return results
}

if (command === "list") {
  const width = Math.max(...catalogue.map(s => s.name.length))
  for (const s of catalogue) print(`${s.name.padEnd(width)}  ${s.claim}`)
} else if (command === "run" || command === "all") {
  const verdictsIndex = args.indexOf("--verdicts")
  const verdicts = verdictsIndex >= 0 ? args[verdictsIndex + 1] : undefined
  const names = command === "all" ? catalogue.map(s => s.name) : args.filter((_, i) => verdictsIndex < 0 || (i !== verdictsIndex && i !== verdictsIndex + 1))
  if (names.length === 0) {
    print("usage: make scenario NAME=<name>   (make scenarios-list shows them)")
    process.exit(2)
  }
  const results = await run(names)
  if (verdicts) {
    const file = join(root, verdicts)
    mkdirSync(join(file, ".."), { recursive: true })
    // The chaos runs' section of the file stays as it is.
    writeFileSync(file, withCatalogue(verdictsMarkdown(results), existsSync(file) ? readFileSync(file, "utf8") : ""))
    print(`\nverdicts: ${verdicts}`)
  }
  if (results.length > 1) {
    print("")
    for (const r of results) print(`${r.verdict}  ${r.scenario.padEnd(24)} ${(r.durationMs / 1000).toFixed(1)} s`)
  }
  // A SKIPPED run (the machine lacks what it needs, and says what) is not a failure, nor a pass.
  process.exit(results.every(r => r.verdict !== "FAIL") ? 0 : 1)
} else {
  print("usage: cli.ts list | run NAME... | all [--verdicts FILE]")
  process.exit(2)
}
