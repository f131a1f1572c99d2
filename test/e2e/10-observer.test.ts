/// <reference lib="dom" />
// End to end, in a real browser: the observer of a lab started as `make up`
// starts it. Its API lists every service with its state and counters; it
// refuses an action without its token, from another origin or for another
// host; the page shows every service, follows a `docker kill` made elsewhere
// and its own kill button within 2 s, shows the subscriber's disconnect in the
// feed, and after *start* the reconnect and the rate coming back. Prints what
// it measured (log line to screen, the observer's memory and CPU) and leaves a
// screenshot in the runs folder.
import assert from "node:assert/strict"
import { mkdirSync } from "node:fs"
import { request } from "node:http"
import { join } from "node:path"
import { after, before, describe, it } from "node:test"
import { chromium, type Browser, type Page } from "playwright-core"
import { ComposeProject, docker, runsDir } from "../../harness/compose.js"
import { activeFaults } from "../../harness/faults.js"

const lab = new ComposeProject("zmqlab-e2e-observer")
let browser: Browser | undefined
let page: Page
let services: string[] = []

/** Bounded: the observer's view catches up with Docker within a second or two; 2 s is the bound for a state change. */
const STATE_CHANGE_MS = 2000

interface ServiceView {
  name: string
  state: string
  counters: Record<string, number>
}
interface State {
  services: ServiceView[]
  streams: { key: string; received: number; rate: number }[]
}

const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${lab.observerUrl}${path}`, init)
  return { status: response.status, body: (await response.json()) as T }
}

/** A POST with the Host header a DNS-rebinding page would send (fetch will not set Host). */
function postAs(host: string, path: string, token: string): Promise<{ status: number; body: { error: string } }> {
  const url = new URL(path, lab.observerUrl)
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { Host: host, "X-Lab-Token": token } }, res => {
      let text = ""
      res.on("data", (chunk: Buffer) => (text += chunk.toString()))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error: string } }))
    })
    req.on("error", reject)
    req.end()
  })
}

/** Asks the API until `ok` holds (bounded: each service's first stats line comes within STATS_INTERVAL_MS = 1 s of its start). */
async function stateUntil(what: string, ok: (state: State) => boolean, timeoutMs = 15_000): Promise<State> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await api<State>("/api/state?series=0")
    if (ok(body)) return body
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(body.services.map(s => [s.name, s.state]))}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

describe("the observer", () => {
  before(async () => {
    await lab.up()
    const { stdout } = await lab.compose(["config", "--services"], { quiet: true })
    // What make up starts, less the observer itself.
    const all = (await lab.states()) as Record<string, string>
    services = Object.keys(all).filter(name => name !== "observer")
    assert.ok(stdout.includes("observer"))
    const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
    try {
      browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] })
    } catch (error) {
      throw new Error(`no browser at ${executablePath} (make test installs Debian's chromium; set CHROMIUM_PATH to another): ${String(error)}`)
    }
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } })
  })
  after(async () => {
    await browser?.close()
    await lab.down()
  })

  it("GET /api/state lists every lab service with its state and counters", async () => {
    const state = await stateUntil("every service running with counters", s =>
      services.every(name => s.services.some(v => v.name === name && v.state === "running" && Object.keys(v.counters).length > 0)),
    )
    assert.deepEqual(
      services.filter(name => !state.services.some(v => v.name === name)),
      [],
      "no service missing",
    )
  })

  it("refuses an action without the token, with a wrong one, from another origin, or for another host; and bad requests with a reason", async () => {
    const page = await fetch(`${lab.observerUrl}/`)
    const token = /name="lab-token" content="([0-9a-f]+)"/.exec(await page.text())?.[1]
    assert.ok(token, "the page carries its token")
    const kill = "/api/services/pubsub-subscriber/kill"
    const refusals = [
      await api<{ error: string }>(kill, { method: "POST" }),
      await api<{ error: string }>(kill, { method: "POST", headers: { "X-Lab-Token": "0".repeat(32) } }),
      await api<{ error: string }>(kill, { method: "POST", headers: { "X-Lab-Token": token, Origin: "http://evil.example" } }),
      await postAs("evil.example", kill, token),
    ]
    assert.deepEqual(
      refusals.map(r => r.status),
      [403, 403, 403, 421],
    )
    for (const r of refusals) assert.ok(r.body.error.length > 10, "each refusal says why")
    const bad = [
      await api<{ error: string }>("/api/services/pubsub-subscriber/explode", { method: "POST", headers: { "X-Lab-Token": token } }),
      await api<{ error: string }>("/api/services/no-such-service/kill", { method: "POST", headers: { "X-Lab-Token": token } }),
      await api<{ error: string }>("/api/services/observer/kill", { method: "POST", headers: { "X-Lab-Token": token } }),
      await api<{ error: string }>("/api/events?since=yesterday"),
    ]
    assert.deepEqual(
      bad.map(r => r.status),
      [400, 404, 400, 400],
    )
    const { body } = await api<State>("/api/state?series=0")
    assert.equal(body.services.find(s => s.name === "pubsub-subscriber")?.state, "running", "nothing refused was done")
  })

  it("the page shows every service, and a docker kill made elsewhere within 2 s", async () => {
    await page.goto(lab.observerUrl)
    for (const name of services) await page.waitForSelector(`.service[data-service="${name}"][data-state="running"]`, { timeout: 10_000 })
    for (const name of services) await page.waitForSelector(`#topology .node[data-service="${name}"]`, { state: "attached", timeout: 5_000 })
    await docker(["kill", await lab.containerId("pipeline-worker-1")])
    await page.waitForSelector('.service[data-service="pipeline-worker-1"][data-state="exited"]', { timeout: STATE_CHANGE_MS })
  })

  it("its kill button kills pubsub-publisher (exited within 2 s, the subscriber's disconnect in the feed); start brings the reconnect and the rate back", async () => {
    const stream = '.stream[data-stream^="pubsub-publisher/"][data-stream$="-> pubsub-subscriber"]'
    await page.waitForSelector(stream, { timeout: 10_000 })
    await page.click('button[data-service="pubsub-publisher"][data-action="kill"]')
    await page.waitForSelector('.service[data-service="pubsub-publisher"][data-state="exited"]', { timeout: STATE_CHANGE_MS })
    await page.waitForSelector('#feed li[data-service="pubsub-subscriber"][data-event="socket.disconnect"]', { state: "attached", timeout: 5_000 })
    const receivedBefore = Number(await page.getAttribute(stream, "data-received"))
    const connectsBefore = await page.locator('#feed li[data-service="pubsub-subscriber"][data-event="socket.connect"]').count()

    await page.click('button[data-service="pubsub-publisher"][data-action="start"]')
    await page.waitForSelector('.service[data-service="pubsub-publisher"][data-state="running"]', { timeout: STATE_CHANGE_MS })
    await page.waitForFunction(
      ([selector, before]) => document.querySelectorAll(selector).length > before,
      ['#feed li[data-service="pubsub-subscriber"][data-event="socket.connect"]', connectsBefore] as const,
      { timeout: 10_000 },
    )
    await page.waitForFunction(
      ([selector, before]) => {
        const card = document.querySelector<HTMLElement>(selector)
        return card !== null && Number(card.dataset.received) > before + 5 && Number(card.dataset.rate) > 0
      },
      [stream, receivedBefore] as const,
      { timeout: 15_000 },
    )
    // The push stream's figures are the API's.
    const { body } = await api<State>("/api/state?series=0")
    const row = body.streams.find(s => s.key.startsWith("pubsub-publisher/") && s.key.endsWith("-> pubsub-subscriber"))
    assert.ok(row && row.received > receivedBefore && row.rate > 0)
  })

  it("its fault buttons make a network fault in the service's namespace and heal it (checked inside the namespace)", async () => {
    const card = '.service[data-service="pipeline-sink"]'
    await page.click('button[data-service="pipeline-sink"][data-action="fault"][data-kind="loss"]')
    await page.waitForSelector(`${card}[data-faults="loss 30%"]`, { timeout: 10_000 })
    await page.waitForSelector('#feed li[data-service="pipeline-sink"][data-event="fault"]', { state: "attached", timeout: 5_000 })
    const sink = await lab.containerId("pipeline-sink")
    const rules = await activeFaults(sink)
    assert.equal(rules.filter(rule => /--probability 0\.(3|2999)/.test(rule)).length, 2, `the loss rules, in and out: ${rules.join(" | ")}`)
    await page.click('button[data-service="pipeline-sink"][data-action="heal"]')
    await page.waitForSelector(`${card}[data-faults=""]`, { timeout: 10_000 })
    assert.deepEqual(await activeFaults(sink), [], "no rule left")
    const { stdout } = await docker(["ps", "-aq", "--filter", "label=zmq-lab.fault-helper"])
    assert.equal(stdout.trim(), "", "no helper container left")
  })

  it("reports what it measured: log line to screen, the observer's memory and CPU", async () => {
    const lags = await page.evaluate(() => (window as unknown as { labLag: number[] }).labLag.slice())
    assert.ok(lags.length >= 3, "feed entries arrived live")
    const sorted = [...lags].sort((a, b) => a - b)
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    const { stdout } = await docker(["stats", "--no-stream", "--format", "{{.MemUsage}} {{.CPUPerc}}", await lab.containerId("observer")])
    const dir = join(runsDir, "observer")
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, "dashboard.png"), fullPage: true })
    console.log(
      `observer: log line to screen p50 ${at(50)} ms, p99 ${at(99)} ms, max ${sorted.at(-1)} ms over ${lags.length} feed entries; memory and CPU now: ${stdout.trim()}; screenshot ${join(dir, "dashboard.png")}`,
    )
  })
})
