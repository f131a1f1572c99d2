// End to end: the bench's smoke (make bench's harness with windows of 200 ms,
// every pattern at 64 B in every setup). It checks the harness, not the speed:
// every cell measured something, with CPU per side and, for the round trips,
// latency; the outputs are written; nothing of the bench is left running.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, it } from "node:test"
import { docker, root } from "../../harness/compose.js"
import { LAB } from "../../bench/setups.js"
import { PATTERNS, ROUND_TRIP, SETUPS, type Row } from "../../bench/figures.js"

const runs = mkdtempSync(join(tmpdir(), "zmqlab-bench-"))
after(() => rmSync(runs, { recursive: true, force: true }))

it("make bench's smoke measures every pattern in every setup, writes its outputs, and leaves nothing behind", async () => {
  const docsBefore = readFileSync(join(root, "docs/bench.md"), "utf8")
  const run = spawnSync("node", ["--import", "tsx", "bench/cli.ts", "--smoke"], {
    cwd: root,
    env: { ...process.env, RUNS_DIR: runs },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  })
  process.stdout.write(run.stdout)
  assert.equal(run.status, 0, "the smoke ran to its end")
  assert.equal((run.stdout.match(/^bench: \[\d+\/12\]/gm) ?? []).length, 12, "a progress line per cell")

  const [dir] = readdirSync(runs).filter(name => name.startsWith("bench-"))
  assert.ok(dir, "runs/bench-<time>/")
  const rows = JSON.parse(readFileSync(join(runs, dir, "result.json"), "utf8")) as Row[]
  assert.equal(rows.length, PATTERNS.length * SETUPS.length)
  for (const pattern of PATTERNS)
    for (const setup of SETUPS) {
      const row = rows.find(r => r.pattern === pattern && r.setup === setup && r.sizeBytes === 64)
      assert.ok(row, `${pattern} ${setup}`)
      assert.ok(row.msgPerSec > 0, `${pattern} ${setup}: messages counted`)
      assert.ok(Math.abs(row.mbPerSec - (row.msgPerSec * 64) / 1e6) < 1e-9, `${pattern} ${setup}: MB/s from msg/s`)
      const sides = setup === "lab" ? Object.values(LAB[pattern].sides) : ROUND_TRIP.has(pattern) ? ["requester", "replier"] : ["sender", "receiver"]
      assert.deepEqual(Object.keys(row.cpu).sort(), [...sides].sort(), `${pattern} ${setup}: CPU per side`)
      for (const cores of Object.values(row.cpu)) assert.ok(cores > 0 && cores < 4, `${pattern} ${setup}: CPU ${cores}`)
      if (ROUND_TRIP.has(pattern)) assert.ok(row.p50Ms! > 0 && row.p99Ms! >= row.p50Ms!, `${pattern} ${setup}: round trips timed`)
      else assert.equal(row.p50Ms, undefined)
    }

  const page = readFileSync(join(runs, dir, "report.html"), "utf8")
  assert.match(page, /id="charts">\[/, "the charts' data inline")
  assert.match(page, /uPlot/, "uPlot inline")
  assert.equal(readFileSync(join(root, "docs/bench.md"), "utf8"), docsBefore, "a smoke does not rewrite docs/bench.md")

  const left = await docker(["ps", "--all", "--quiet", "--filter", "label=zmq-lab.bench"])
  assert.equal(left.stdout.trim(), "", "no bench container left")
  const project = await docker(["ps", "--all", "--quiet", "--filter", "name=zmqlab-bench"])
  assert.equal(project.stdout.trim(), "", "no lab container of the bench left")
  const network = await docker(["network", "ls", "--quiet", "--filter", "name=zmq-lab-bench"])
  assert.equal(network.stdout.trim(), "", "no bench network left")
})
