// A run's report as a page: report.html beside report.md, self-contained (uPlot
// and the data inline, nothing fetched), with one plot per stream: what
// arrived per second, the seconds in which the messages later found lost were
// sent (red), duplicates (orange), and the faults as bands; then the checks and
// the verdict. The series are counted from the history by the accounting
// model's rules (arrivals: a fan-out consumer's receipts, a pipeline's
// deliveries at its end, a client's answered requests).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { figuresKey, type StreamFigures } from "../../shared/accounting.js"
import type { Scenario } from "./dsl.js"
import { RUNNER, type History, type HistoryEvent } from "./history.js"
import type { RunResult } from "./runner.js"
import { show } from "./report.js"

const uplotDir = dirname(createRequire(import.meta.url).resolve("uplot"))

/** Actions that take a service out, and those that bring it back. */
const BREAKS = new Set(["kill", "stop", "pause", "disconnect", "fault"])
const HEALS = new Set(["start", "unpause", "connect", "restart", "recreate", "up", "heal"])

export interface PlotBand {
  from: number
  to: number
  label: string
}

export interface Plot {
  title: string
  /** Epoch seconds, one per bucket. */
  seconds: number[]
  arrived: number[]
  lost: (number | null)[]
  duplicated: (number | null)[]
  bands: PlotBand[]
  summary: string
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** "3-7, 9" or "inc:3-7; inc2:1" (describeIds in accounting.ts) -> [incarnation or "", seq][] */
export function parseLostIds(lostIds: string): [string, number][] {
  const ids: [string, number][] = []
  for (const part of lostIds.split("; ").filter(Boolean)) {
    const colon = part.indexOf(":")
    const incarnation = colon >= 0 ? part.slice(0, colon) : ""
    for (const piece of part
      .slice(colon + 1)
      .split(", ")
      .filter(Boolean)) {
      const [from, to = from] = piece.split("-").map(Number) as [number, number?]
      for (let seq = from; seq <= to!; seq++) ids.push([incarnation, seq])
    }
  }
  return ids
}

/** Faults as bands, from the runner's actions: from a break of a service to what heals it (or the end). */
export function faultBands(history: History, end: number): PlotBand[] {
  const open = new Map<string, { from: number; label: string }>()
  const bands: PlotBand[] = []
  for (const e of history) {
    if (e.service !== RUNNER || e.event !== "action") continue
    const action = text(e.action) ?? ""
    for (const target of (text(e.target) ?? "").split(/[ ,]+/).filter(Boolean)) {
      if (BREAKS.has(action) && !open.has(target)) open.set(target, { from: e.t, label: `${text(e.fault) ?? action} ${target}` })
      else if (HEALS.has(action) && open.has(target)) {
        const { from, label } = open.get(target)!
        bands.push({ from, to: e.t, label })
        open.delete(target)
      }
    }
  }
  for (const { from, label } of open.values()) bands.push({ from, to: end, label })
  return bands.sort((a, b) => a.from - b.from)
}

/** One plot per stream of the figures, counted from the events of its variant. */
export function plotsOf(figures: Record<string, StreamFigures>, history: History): Plot[] {
  if (history.length === 0) return []
  const start = Math.floor(history[0]!.t / 1000)
  const end = Math.floor(history.at(-1)!.t / 1000)
  const seconds = Array.from({ length: end - start + 1 }, (_, i) => start + i)
  const bucket = (events: HistoryEvent[]) => {
    const counts = seconds.map(() => 0)
    for (const e of events) counts[Math.floor(e.t / 1000) - start]! += 1
    return counts
  }
  const bands = faultBands(history, history.at(-1)!.t)
  return Object.entries(figures).map(([name, f]) => {
    const variant = name.includes(": ") ? name.slice(0, name.indexOf(": ")) : undefined
    const events = variant ? history.filter(e => e.variant === variant) : history
    const about = (e: HistoryEvent) => e.producer === f.producer && e.stream === f.stream
    const arrivals =
      f.promise === "fan-out"
        ? events.filter(e => e.event === "received" && e.service === f.consumer && about(e))
        : f.promise === "load-balanced"
          ? events.filter(e => e.event === "delivered" && about(e))
          : events.filter(
              e => e.event === "received" && e.service === f.producer && (e.inReplyTo as { producer?: unknown } | undefined)?.producer === f.producer,
            )
    // Duplicates: every arrival of an id beyond its first, at the time it came.
    const seen = new Set<string>()
    const duplicates = arrivals.filter(e => {
      const reply = e.inReplyTo as { seq?: unknown } | undefined
      const id = f.promise === "request-reply" ? `${String(e.instance)}#${String(reply?.seq)}` : `${String(e.incarnation)}#${String(e.seq)}`
      if (seen.has(id)) return true
      seen.add(id)
      return false
    })
    // Losses: at the time each lost message was (first) sent.
    const lost = new Set(parseLostIds(f.lostIds).map(([incarnation, seq]) => `${incarnation}#${seq}`))
    const lostSends = new Map<string, HistoryEvent>()
    for (const e of events)
      if (e.event === "sent" && e.service === f.producer && e.stream === f.stream) {
        const id = `${String(e.incarnation)}#${String(e.seq)}`
        const bare = `#${String(e.seq)}`
        for (const key of [id, bare]) if (lost.has(key) && !lostSends.has(key)) lostSends.set(key, e)
      }
    const marks = (counts: number[]) => counts.map(n => (n > 0 ? n : null))
    return {
      title: `${name} (${f.promise})`,
      seconds,
      arrived: bucket(arrivals),
      lost: marks(bucket([...lostSends.values()])),
      duplicated: marks(bucket(duplicates)),
      bands,
      summary: `sent ${f.sent}, received ${f.received}, lost ${f.lost}, duplicated ${f.duplicated}`,
    }
  })
}

const escape = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** The page's own script: one uPlot per plot, the bands shaded under the lines. */
const DRAW = `
const plots = JSON.parse(document.getElementById("plots").textContent);
for (const p of plots) {
  const box = document.createElement("section");
  box.className = "plot";
  box.innerHTML = "<h3></h3><p></p>";
  box.querySelector("h3").textContent = p.title;
  box.querySelector("p").textContent = p.summary;
  document.getElementById("charts").append(box);
  const bands = { hooks: { drawClear: [u => {
    u.ctx.save(); u.ctx.fillStyle = "rgba(200, 80, 80, 0.15)";
    for (const b of p.bands) {
      const x0 = u.valToPos(b.from / 1000, "x", true), x1 = u.valToPos(b.to / 1000, "x", true);
      u.ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
    }
    u.ctx.restore();
  }] } };
  new uPlot({ width: 900, height: 220, plugins: [bands], scales: { x: { time: true } },
    series: [{}, { label: "arrived/s", stroke: "#2f6fdf", width: 1.5 },
      { label: "sent, later lost", stroke: "#c23b3b", paths: () => null, points: { show: true, size: 8, fill: "#c23b3b" } },
      { label: "duplicated", stroke: "#e08a00", paths: () => null, points: { show: true, size: 8, fill: "#e08a00" } }] },
    [p.seconds, p.arrived, p.lost, p.duplicated], box);
}
`

export function reportHtml(scenario: Scenario, result: RunResult, history: History): string {
  const figures = (result.figures.streams ?? {}) as Record<string, StreamFigures>
  const plots = plotsOf(figures, history)
  const css = readFileSync(join(uplotDir, "uPlot.min.css"), "utf8")
  const js = readFileSync(join(uplotDir, "uPlot.iife.min.js"), "utf8")
  const title = result.title ? `${result.scenario} (${result.title})` : result.scenario
  const rows = result.checks
    .map(
      c =>
        `<tr><td>${escape(c.name)}</td><td>${escape(c.expected)}</td><td>${escape(show(c.observed))}</td><td class="${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "FAIL"}</td></tr>`,
    )
    .join("\n")
  const streams = Object.values(figures)
    .map(
      f => `<li><code>${escape(figuresKey(f))}</code> (${f.promise}): sent ${f.sent}, received ${f.received}, lost ${f.lost}, duplicated ${f.duplicated}</li>`,
    )
    .join("\n")
  // "</" inside the inline JSON would end its script element early.
  const data = JSON.stringify(plots).replace(/</g, "\\u003c")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}: ${result.verdict}</title>
<style>${css}
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1000px; }
.verdict { font-weight: 700; } .verdict.PASS, td.pass { color: #2e9d4f; } .verdict.FAIL, td.fail { color: #c23b3b; font-weight: 700; }
table { border-collapse: collapse; } td, th { border: 1px solid #dde1e6; padding: 3px 8px; text-align: left; vertical-align: top; font-size: 13px; }
.plot h3 { font-size: 14px; margin: 1em 0 0.2em; } .plot p { margin: 0 0 0.3em; color: #556; font-size: 13px; }
</style></head>
<body>
<h1>${escape(title)}: <span class="verdict ${result.verdict}">${result.verdict}</span></h1>
<p><strong>Claim:</strong> ${escape(scenario.claim)}</p>
${scenario.note ? `<p><strong>What the run shows:</strong> ${escape(scenario.note)}</p>` : ""}
<p>Run at ${escape(result.startedAt)}, ${(result.durationMs / 1000).toFixed(1)} s.${result.error ? ` <strong>Error:</strong> ${escape(result.error)}` : ""}</p>
<h2>Checks</h2>
<table><tr><th>check</th><th>expected</th><th>observed</th><th>verdict</th></tr>
${rows}
</table>
<h2>Streams</h2>
<p>Per second: what arrived (blue), when the messages later found lost were sent (red), duplicates (orange); shaded: a service killed, stopped, paused or cut off by the run.</p>
<ul>${streams || "<li>none: no service of this run numbers a data stream</li>"}</ul>
<div id="charts"></div>
<script type="application/json" id="plots">${data}</script>
<script>${js}</script>
<script>${DRAW}</script>
</body></html>
`
}
