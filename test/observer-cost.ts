// `make observer-cost`: what the observer costs with the lab of `make up`
// running and its page open in Chromium, over DURATION seconds (60): its memory
// and CPU as Docker counts them, sampled every 5 s, and the time from a log
// line to the page (each feed entry's arrival in the browser minus the line's
// timestamp). A steady lab logs few feed events, so it restarts
// pipeline-worker-2 every 15 s: its exit, start and reconnects are the entries
// timed. Prints a markdown table for docs/observer.md.
import { execFileSync } from "node:child_process"
import { chromium } from "playwright-core"

const url = `http://127.0.0.1:${process.env.OBSERVER_PORT ?? "8080"}`
const seconds = Number(process.env.DURATION ?? "60")
const container = execFileSync("docker", ["compose", "ps", "--quiet", "observer"], { encoding: "utf8" }).trim()
if (!container) throw new Error("the observer is not running: make up first")

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
})
const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } })
await page.goto(url)
await page.waitForSelector(".service[data-state]")
const samples: { mib: number; cpu: number }[] = []
const end = Date.now() + seconds * 1000
let nextRestart = Date.now() + 15_000
while (Date.now() < end) {
  if (Date.now() >= nextRestart) {
    execFileSync("docker", ["compose", "restart", "--timeout", "2", "pipeline-worker-2"], { stdio: "ignore" })
    nextRestart += 15_000
  }
  const [mem, cpu] = execFileSync("docker", ["stats", "--no-stream", "--format", "{{.MemUsage}}|{{.CPUPerc}}", container], { encoding: "utf8" })
    .trim()
    .split("|") as [string, string]
  const amount = Number.parseFloat(mem)
  samples.push({ mib: mem.startsWith(`${amount}GiB`) ? amount * 1024 : amount, cpu: Number.parseFloat(cpu) })
  await new Promise(resolve => setTimeout(resolve, 5000))
}
const lags = (await page.evaluate(() => (window as unknown as { labLag: number[] }).labLag.slice())).sort((a, b) => a - b)
const state = (await (await fetch(`${url}/api/state?series=0`)).json()) as { services: unknown[]; observer: { lines: number; rssMiB: number } }
await browser.close()
const at = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN
const mibs = samples.map(s => s.mib).sort((a, b) => a - b)
const cpus = samples.map(s => s.cpu).sort((a, b) => a - b)
console.log(`| figure | measured |
|---|---|
| services watched | ${state.services.length} (${state.observer.lines} log lines read) |
| memory (Docker's count, cgroup), median / max over ${seconds} s | ${at(mibs, 50).toFixed(1)} / ${mibs.at(-1)!.toFixed(1)} MiB |
| resident set (the process's own view, shared pages of node included) | ${state.observer.rssMiB} MiB |
| CPU, median / max of ${samples.length} samples | ${at(cpus, 50).toFixed(1)} % / ${cpus.at(-1)!.toFixed(1)} % of a core |
| log line to screen, p50 / p99 / max over ${lags.length} feed entries | ${at(lags, 50)} / ${at(lags, 99)} / ${lags.at(-1)} ms |`)
