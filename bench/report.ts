// The bench's report page: report.html, self-contained (uPlot and the data
// inline, nothing fetched), one bar chart per pattern and figure: the three
// setups side by side at each size, so that what the bridge and what the lab's
// own code cost is seen at a glance. Pure: rows in, HTML out.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { formatSize, PATTERN_NAMES, PATTERNS, ratios, ratiosTable, ROUND_TRIP, rowsTable, SETUPS, SIZES, type Row } from "./figures.js"

const uplotDir = dirname(createRequire(import.meta.url).resolve("uplot"))
const SETUP_COLORS = ["#4e79a7", "#f28e2b", "#59a14f"]

export interface Chart {
  title: string
  unit: string
  /** Bar positions: one group per size, one bar per setup, a gap between groups. */
  labels: string[]
  positions: number[]
  /** One series per setup: a value at its own positions, null elsewhere. */
  series: Array<{ name: string; color: string; values: Array<number | null> }>
  log: boolean
}

/** Pure: the charts of a bench's rows. */
export function chartsOf(rows: readonly Row[]): Chart[] {
  const positions = SIZES.flatMap((_, group) => SETUPS.map((_, bar) => group * (SETUPS.length + 1) + bar))
  const labels = SIZES.flatMap(size => SETUPS.map(setup => `${formatSize(size)} ${setup}`))
  const chart = (pattern: (typeof PATTERNS)[number], title: string, unit: string, value: (row: Row) => number | undefined, log: boolean): Chart => ({
    title: `${PATTERN_NAMES[pattern]}: ${title}`,
    unit,
    labels,
    positions,
    log,
    series: SETUPS.map((setup, bar) => ({
      name: setup,
      color: SETUP_COLORS[bar]!,
      values: SIZES.flatMap(size =>
        SETUPS.map(other => {
          if (other !== setup) return null
          const row = rows.find(r => r.pattern === pattern && r.sizeBytes === size && r.setup === setup)
          const v = row ? value(row) : undefined
          return v === undefined || Number.isNaN(v) ? null : v
        }),
      ),
    })),
  })
  return PATTERNS.flatMap(pattern => [
    chart(pattern, "messages per second", "msg/s", r => r.msgPerSec, true),
    chart(pattern, "megabytes per second", "MB/s", r => r.mbPerSec, true),
    ...(ROUND_TRIP.has(pattern) ? [chart(pattern, "round trip, p99", "ms", r => r.p99Ms, true)] : []),
  ])
}

const DRAW = `
const charts = JSON.parse(document.getElementById("charts").textContent);
for (const chart of charts) {
  const box = document.createElement("section");
  box.className = "chart";
  box.dataset.title = chart.title;
  document.getElementById("plots").append(box);
  const bars = uPlot.paths.bars({ size: [0.9, 60] });
  new uPlot({
    title: chart.title,
    width: Math.min(920, window.innerWidth - 40),
    height: 300,
    scales: { x: { time: false, range: [-1, chart.positions.at(-1) + 1] }, y: { distr: chart.log ? 3 : 1 } },
    axes: [
      { splits: () => chart.positions, values: (_, splits) => splits.map(p => chart.labels[chart.positions.indexOf(p)] ?? ""), rotate: -30, size: 90 },
      { label: chart.unit, size: 70 },
    ],
    series: [{}, ...chart.series.map(s => ({ label: s.name, stroke: s.color, fill: s.color + "cc", paths: bars, points: { show: false } }))],
  }, [chart.positions, ...chart.series.map(s => s.values)], box);
}
`

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Pure: a Markdown table as an HTML table (the report's tables are the docs'). */
function htmlTable(markdown: string): string {
  const [head, , ...body] = markdown.split("\n")
  const cells = (line: string) => line.slice(2, -2).split(" | ").map(escape)
  return `<table><thead><tr>${cells(head!)
    .map(c => `<th>${c}</th>`)
    .join("")}</tr></thead><tbody>${body
    .map(
      line =>
        `<tr>${cells(line)
          .map(c => `<td>${c}</td>`)
          .join("")}</tr>`,
    )
    .join("")}</tbody></table>`
}

export function reportHtml(rows: readonly Row[], { title, machine }: { title: string; machine: string }): string {
  const css = readFileSync(join(uplotDir, "uPlot.min.css"), "utf8")
  const js = readFileSync(join(uplotDir, "uPlot.iife.min.js"), "utf8")
  // "</" inside the inline JSON would end its script element early.
  const data = JSON.stringify(chartsOf(rows)).replace(/</g, "\\u003c")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>${css}
body { font: 14px system-ui, sans-serif; margin: 20px; color: #222 }
table { border-collapse: collapse; margin: 10px 0 24px } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right } td:nth-child(-n+3), th { text-align: left }
.chart { margin: 0 0 24px }
</style></head>
<body>
<h1>${escape(title)}</h1>
<p>${escape(machine)}</p>
<div id="plots"></div>
<h2>Ratios</h2>
${htmlTable(ratiosTable(ratios(rows)))}
<h2>Every cell</h2>
${htmlTable(rowsTable(rows))}
<script type="application/json" id="charts">${data}</script>
<script>${js}</script>
<script>${DRAW}</script>
</body></html>
`
}
