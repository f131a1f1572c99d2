// make bench: every pattern at every size in every setup (bench/setups.ts),
// one cell after the other (two cores: two cells at once would measure each
// other), with a progress line per cell. Writes runs/bench-<time>/result.json
// (the rows), report.html (bar charts) and, for a full run, docs/bench.md.
//   --smoke          every pattern at 64 B, windows of 200 ms: checks the harness, not the speed
//   --patterns a,b   --sizes 64,1024   --setups raw-loopback,lab   a part of the bench
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { runsDir } from "../harness/compose.js"
import { benchMarkdown, machine, measureExtras } from "./docs.js"
import { formatSize, missingCells, PATTERNS, ratios, SETUPS, SIZES, type Pattern, type Row, type Setup } from "./figures.js"
import type { MeterOptions } from "./meter.js"
import { reportHtml } from "./report.js"
import { createNetwork, lab, labProfile, rawBridge, rawLoopback, removeAll, type CellOptions } from "./setups.js"

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    patterns: { type: "string" },
    sizes: { type: "string" },
    setups: { type: "string" },
  },
})

function listOf<T extends string | number>(raw: string | undefined, all: readonly T[], parse: (item: string) => T, what: string): T[] {
  if (raw === undefined) return [...all]
  const items = raw.split(",").map(item => parse(item.trim()))
  for (const item of items) if (!all.includes(item)) throw new Error(`${what}: ${String(item)} is not one of ${all.join(", ")}`)
  return items
}

const smoke = values.smoke
const patterns = listOf<Pattern>(values.patterns, PATTERNS, item => item as Pattern, "--patterns")
const sizes = listOf<number>(values.sizes ?? (smoke ? "64" : undefined), SIZES, Number, "--sizes")
const setups = listOf<Setup>(values.setups, SETUPS, item => item as Setup, "--setups")
const full = !smoke && values.patterns === undefined && values.sizes === undefined && values.setups === undefined

// Three windows of 3 s after a warm-up of 1 s, the median reported; the smoke's are short.
const timing: MeterOptions = smoke ? { warmupMs: 0, windows: 3, windowMs: 200 } : { warmupMs: 1000, windows: 3, windowMs: 3000 }
const image = process.env.LAB_IMAGE ?? "zmq-lab:local"

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, "")
  .replace(/\.\d+Z$/, "Z")
const dir = join(runsDir, `bench-${stamp}`)
mkdirSync(dir, { recursive: true })

const cells = patterns.flatMap(pattern => sizes.flatMap(sizeBytes => setups.map(setup => ({ pattern, sizeBytes, setup }))))
/** By cell, in the cells' order (the smoke's cells end in any order). */
const measured: Row[] = []
const started = Date.now()
const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1)

const stop = () => void removeAll().finally(() => process.exit(130))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)

async function measure(index: number): Promise<void> {
  const { pattern, sizeBytes, setup } = cells[index]!
  const cell: CellOptions = { ...timing, image, pattern, sizeBytes }
  const begun = Date.now()
  const row = await (setup === "raw-loopback" ? rawLoopback(cell) : setup === "raw-bridge" ? rawBridge(cell) : lab(cell))
  measured[index] = row
  const latency = row.p50Ms !== undefined ? `, round trip p50 ${row.p50Ms.toFixed(3)} ms p99 ${row.p99Ms!.toFixed(3)} ms` : ""
  console.log(
    `bench: [${index + 1}/${cells.length}] ${pattern} ${formatSize(sizeBytes)} ${setup}: ${Math.round(row.msgPerSec).toLocaleString("en-US")} msg/s${latency} (${seconds(begun)} s)`,
  )
}

try {
  await createNetwork()
  // One cell at a time (two at once would measure each other); the smoke, which
  // checks the harness and not the speed, runs each setup's cells side by side.
  if (smoke) for (const setup of setups) await Promise.all(cells.flatMap((c, index) => (c.setup === setup ? [measure(index)] : [])))
  else for (const index of cells.keys()) await measure(index)
} finally {
  await removeAll()
}
const rows = measured.filter(row => row !== undefined)

const missing = missingCells(rows, patterns, sizes).filter(cell => setups.some(setup => cell.endsWith(setup)))
if (missing.length > 0) throw new Error(`cells without a figure: ${missing.join(", ")}`)
const empty = rows.filter(row => !(row.msgPerSec > 0))
if (empty.length > 0) throw new Error(`cells that measured nothing: ${empty.map(r => `${r.pattern} ${r.sizeBytes} ${r.setup}`).join(", ")}`)

writeFileSync(join(dir, "result.json"), `${JSON.stringify(rows, null, 2)}\n`)
const title = `zmq-lab bench ${stamp}${smoke ? " (smoke: checks the harness, not the speed)" : ""}`
writeFileSync(join(dir, "report.html"), reportHtml(rows, { title, machine: await machine(image) }))
if (full) {
  // Where the time goes: a CPU profile of every service of the pattern the lab's code slows most, at 64 B.
  const slowest = ratios(rows)
    .filter(r => r.sizeBytes === 64 && r.lab !== null)
    .sort((a, b) => a.lab! - b.lab!)[0]!
  console.log(`bench: profiling the lab's ${slowest.pattern} at 64 B (lab / bridge ${slowest.lab!.toFixed(2)}, the lowest)`)
  const profile = {
    pattern: slowest.pattern,
    ratio: slowest.lab!,
    services: await labProfile({ ...timing, image, pattern: slowest.pattern, sizeBytes: 64 }, 3000),
  }
  writeFileSync(join(dir, "profile.json"), `${JSON.stringify(profile, null, 2)}\n`)
  const extras = await measureExtras(image, line => console.log(`bench: ${line}`))
  writeFileSync(join(dir, "extras.json"), `${JSON.stringify(extras, null, 2)}\n`)
  writeFileSync(join("docs", "bench.md"), benchMarkdown(rows, extras, profile, { machine: await machine(image), benchSeconds: (Date.now() - started) / 1000 }))
  console.log("bench: docs/bench.md written")
}
console.log(`bench: ${rows.length} cells in ${seconds(started)} s`)
console.log(`bench: result: ${join(dir, "result.json")}   page: ${join(dir, "report.html")}`)
