// The observer's page: the lab's topology, its services with their buttons,
// each stream's delivery rate with losses and fault bands, and the event feed.
// Everything arrives on one push stream (/api/stream); the buttons POST to
// /api/services/<name>/<action> with the token the page was served with.
// Elements carry data-service / data-state / data-action so scripts and tests
// can find them.
import uPlot from "uplot"
import type { Band, Edge, FeedEntry, Point, Series, ServiceView, State, StreamView } from "../api.js"

const ACTIONS = ["kill", "stop", "start", "restart", "pause", "unpause"] as const
/** The network faults a button makes (the same as make fault's), and heal. */
const FAULTS: { label: string; kind: string; query: string }[] = [
  { label: "loss 30%", kind: "loss", query: "kind=loss&pct=30" },
  { label: "blackhole", kind: "blackhole", query: "kind=blackhole" },
  { label: "100kbit", kind: "bandwidth", query: "kind=bandwidth&rate=100kbit" },
]
const SERIES_SECONDS = 600
const FEED_SHOWN = 400
const VIEW_SECONDS = 120

const token = document.querySelector<HTMLMetaElement>('meta[name="lab-token"]')?.content ?? ""
const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector)!
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string) => {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text !== undefined) node.textContent = text
  return node
}
const SVG = "http://www.w3.org/2000/svg"
const svg = (tag: string, attributes: Record<string, string | number> = {}) => {
  const node = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
  return node
}

/** How long each feed entry took from its log line to this page (the test reads it). */
const lags: number[] = []
;(window as unknown as { labLag: number[] }).labLag = lags

let state: State | undefined

// --- services and their buttons ---------------------------------------------------------------

const cards = new Map<string, HTMLElement>()

function notice(text: string): void {
  $("#notice").textContent = text
}

async function act(service: string, action: string, query = ""): Promise<void> {
  notice(`${action} ${service}…`)
  const response = await fetch(`/api/services/${encodeURIComponent(service)}/${action}${query ? `?${query}` : ""}`, {
    method: "POST",
    headers: { "X-Lab-Token": token },
  })
  const body = (await response.json()) as { error?: string }
  notice(response.ok ? `${action} ${service}: done` : `${action} ${service}: ${body.error ?? response.status}`)
}

function counterText(view: ServiceView): string {
  const c = view.counters
  const pick = ["sent", "received", "delivered", "lost", "pending", "duplicated", "requests", "answered", "retries", "taken", "done", "replies"]
  const parts = pick.filter(k => c[k] !== undefined).map(k => `${k} ${c[k]}`)
  return [`${view.linesPerSec.toFixed(1)} lines/s`, ...parts].join(" · ")
}

function renderServices(services: ServiceView[]): void {
  const root = $("#services")
  const groups = new Map<string, HTMLElement>()
  for (const group of root.querySelectorAll<HTMLElement>(".pattern-group")) groups.set(group.dataset.pattern!, group)
  for (const view of services) {
    let card = cards.get(view.name)
    if (!card) {
      let group = groups.get(view.pattern)
      if (!group) {
        group = el("div", { class: "pattern-group", "data-pattern": view.pattern })
        group.append(el("h3", {}, view.pattern))
        groups.set(view.pattern, group)
        root.append(group)
      }
      card = el("div", { class: "service", "data-service": view.name })
      const buttons = el("span", { class: "actions" })
      if (view.pattern !== "observer")
        for (const action of ACTIONS) {
          const button = el("button", { type: "button", "data-service": view.name, "data-action": action }, action)
          button.addEventListener("click", () => void act(view.name, action))
          buttons.append(button)
        }
      const faults = el("span", { class: "faults" })
      if (view.pattern !== "observer") {
        for (const f of FAULTS) {
          const button = el("button", { type: "button", class: "fault", "data-service": view.name, "data-action": "fault", "data-kind": f.kind }, f.label)
          button.addEventListener("click", () => void act(view.name, "fault", f.query))
          faults.append(button)
        }
        const heal = el("button", { type: "button", class: "fault", "data-service": view.name, "data-action": "heal" }, "heal")
        heal.addEventListener("click", () => void act(view.name, "heal"))
        faults.append(heal)
      }
      card.append(el("span", { class: "name" }, view.name), el("span", { class: "state" }), buttons, el("span", { class: "counters" }), faults)
      group.append(card)
      cards.set(view.name, card)
    }
    card.dataset.state = view.state
    card.dataset.faults = view.faults.join(", ")
    card.querySelector(".state")!.textContent = view.state === "exited" && view.exitCode !== null ? `exited (${view.exitCode})` : view.state
    card.querySelector(".counters")!.textContent = counterText(view) + (view.faults.length > 0 ? ` · fault: ${view.faults.join(", ")}` : "")
  }
  for (const [name, card] of cards)
    if (!services.some(s => s.name === name)) {
      card.remove()
      cards.delete(name)
    }
}

// --- the topology ------------------------------------------------------------------------------

/** Columns within a pattern: who starts the flow on the left, who ends it on the right. */
function rankOf(role: string, roles: Set<string>): number {
  if (/^(publisher|ventilator|client|client-retrying|watcher-pub|filer-req|filer-req-loop|push-cluster)$/.test(role)) return 0
  if (/^(broker|queue)$/.test(role)) return 1
  if (role === "worker") return roles.has("broker") || roles.has("queue") ? 2 : 1
  if (/^(server|subscriber|late-subscriber|snail|sink|watcher-sub|filer-rep|filer-cluster)$/.test(role)) return 2
  return 1
}

const NODE_W = 150
const NODE_H = 24
const COL_W = 175
const GROUP_PAD = 10

function renderTopology(services: ServiceView[], edges: Edge[]): void {
  const root = $<SVGSVGElement>("#topology")
  const byPattern = new Map<string, ServiceView[]>()
  for (const s of services) byPattern.set(s.pattern, [...(byPattern.get(s.pattern) ?? []), s])
  const width = root.clientWidth || 900
  const groupW = COL_W * 3 + GROUP_PAD
  const perRow = Math.max(1, Math.floor(width / (groupW + 10)))
  const position = new Map<string, { x: number; y: number }>()
  const groupsLayer = svg("g")
  const nodesLayer = svg("g")
  let index = 0
  let rowTop = 0
  let rowHeight = 0
  for (const [pattern, members] of [...byPattern].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const column = index % perRow
    if (column === 0 && index > 0) {
      rowTop += rowHeight + 12
      rowHeight = 0
    }
    const roles = new Set(members.map(m => m.role))
    const stacks = [0, 0, 0]
    const x0 = column * (groupW + 10)
    for (const m of members) {
      const rank = rankOf(m.role, roles)
      position.set(m.name, { x: x0 + GROUP_PAD + rank * COL_W, y: rowTop + 24 + stacks[rank]! * (NODE_H + 8) })
      stacks[rank]! += 1
    }
    const height = 30 + Math.max(...stacks) * (NODE_H + 8)
    rowHeight = Math.max(rowHeight, height)
    const group = svg("g", { class: "group", "data-pattern": pattern })
    group.append(svg("rect", { x: x0, y: rowTop, width: groupW, height, rx: 6 }))
    const label = svg("text", { x: x0 + 8, y: rowTop + 15 })
    label.textContent = pattern
    group.append(label)
    groupsLayer.append(group)
    for (const m of members) {
      const p = position.get(m.name)!
      const node = svg("g", { class: "node", "data-service": m.name, "data-state": m.state, transform: `translate(${p.x},${p.y})` })
      node.append(svg("rect", { width: NODE_W, height: NODE_H }))
      const text = svg("text", { x: 6, y: 16 })
      text.textContent = m.name.startsWith(`${pattern}-`) ? m.name.slice(pattern.length + 1) : m.name
      node.append(text)
      const title = svg("title")
      title.textContent = `${m.name}: ${m.state}`
      node.append(title)
      nodesLayer.append(node)
    }
    index += 1
  }
  const edgesLayer = svg("g")
  for (const e of edges) {
    const a = position.get(e.from)
    const b = position.get(e.to)
    if (!a || !b) continue
    // From the side of the connecting node that faces its peer.
    const ax = a.x <= b.x ? a.x + NODE_W : a.x
    const bx = a.x <= b.x ? b.x : b.x + NODE_W
    const path = svg("path", {
      class: "edge",
      "data-from": e.from,
      "data-to": e.to,
      "data-up": String(e.up),
      d: `M${ax},${a.y + NODE_H / 2} C${(ax + bx) / 2},${a.y + NODE_H / 2} ${(ax + bx) / 2},${b.y + NODE_H / 2} ${bx},${b.y + NODE_H / 2}`,
    })
    const title = svg("title")
    title.textContent = `${e.from} → ${e.endpoint} (${e.socket}): ${e.up ? "up" : "down"}`
    path.append(title)
    edgesLayer.append(path)
  }
  root.setAttribute("height", String(Math.max(200, rowTop + rowHeight + 4)))
  root.replaceChildren(groupsLayer, edgesLayer, nodesLayer)
}

// --- streams -----------------------------------------------------------------------------------

interface Chart {
  card: HTMLElement
  plot: uPlot
  data: [number[], number[], (number | null)[], (number | null)[]]
  pattern: string
}
const charts = new Map<string, Chart>()

/** The fault bands of the stream's pattern, shaded behind the lines. */
function bandsPlugin(pattern: string): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u: uPlot) => {
        const bands: Band[] = state?.bands.filter(b => b.pattern === pattern) ?? []
        const ctx = u.ctx
        ctx.save()
        ctx.fillStyle = "rgba(120, 120, 140, 0.18)"
        for (const band of bands) {
          const from = u.valToPos(band.from / 1000, "x", true)
          const to = u.valToPos((band.to ?? Date.now()) / 1000, "x", true)
          ctx.fillRect(
            Math.max(from, u.bbox.left),
            u.bbox.top,
            Math.max(1, Math.min(to, u.bbox.left + u.bbox.width) - Math.max(from, u.bbox.left)),
            u.bbox.height,
          )
        }
        ctx.restore()
      },
    },
  }
}

const marks = (values: number[]) => values.map(v => (v > 0 ? v : null))

function figuresText(s: StreamView): string {
  const parts = [`sent ${s.sent}`, `${s.promise === "request-reply" ? "answered" : s.promise === "load-balanced" ? "delivered" : "received"} ${s.received}`]
  parts.push(`<span class="lost" data-nonzero="${s.lost > 0}">lost ${s.lost}</span>`, `in flight ${s.inFlight}`, `duplicated ${s.duplicated}`)
  if (s.beforeJoin !== undefined) parts.push(`before join ${s.beforeJoin}`)
  if (s.resends) parts.push(`resends ${s.resends}`)
  if (s.shares && Object.keys(s.shares).length > 0)
    parts.push(
      `shares ${Object.entries(s.shares)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    )
  parts.push(`${s.rate.toFixed(1)}/s`)
  return parts.join(" · ")
}

function chartFor(stream: StreamView, series?: Series): Chart {
  let chart = charts.get(stream.key)
  if (chart) return chart
  const card = el("div", { class: "stream", "data-stream": stream.key, "data-pattern": stream.pattern })
  card.append(el("h3", {}, `${stream.key} (${stream.promise})`), el("div", { class: "figures" }))
  $("#streams").append(card)
  const start = series?.start ?? Math.floor(Date.now() / 1000) - SERIES_SECONDS + 1
  const times = Array.from({ length: SERIES_SECONDS }, (_, i) => start + i)
  const data: Chart["data"] = [times, series?.received ?? times.map(() => 0), marks(series?.lost ?? []), marks(series?.duplicated ?? [])]
  const plot = new uPlot(
    {
      width: 420,
      height: 130,
      legend: { show: false },
      // The last two minutes in view (ten are kept: zoom out by dragging is uPlot's own).
      scales: { x: { time: true, range: (_u, _min, max) => [max - VIEW_SECONDS, max] } },
      plugins: [bandsPlugin(stream.pattern)],
      series: [
        {},
        { label: "received/s", stroke: "#2f6fdf", width: 1.5 },
        { label: "lost", stroke: "#c23b3b", paths: () => null, points: { show: true, size: 7, fill: "#c23b3b" } },
        { label: "duplicated", stroke: "#e08a00", paths: () => null, points: { show: true, size: 7, fill: "#e08a00" } },
      ],
      axes: [{}, { size: 40 }],
    },
    data,
    card,
  )
  chart = { card, plot, data, pattern: stream.pattern }
  charts.set(stream.key, chart)
  return chart
}

function renderStreams(streams: StreamView[], series?: Series[]): void {
  for (const s of streams) {
    const chart = chartFor(
      s,
      series?.find(x => x.key === s.key),
    )
    chart.card.querySelector(".figures")!.innerHTML = figuresText(s)
    chart.card.dataset.received = String(s.received)
    chart.card.dataset.rate = String(s.rate)
    chart.card.dataset.lost = String(s.lost)
  }
}

function appendPoints(points: Point[]): void {
  for (const p of points) {
    const chart = charts.get(p.key)
    if (!chart) continue
    const [times, received, lost, duplicated] = chart.data
    if (times.at(-1)! >= p.t) continue
    times.push(p.t)
    received.push(p.received)
    lost.push(p.lost > 0 ? p.lost : null)
    duplicated.push(p.duplicated > 0 ? p.duplicated : null)
    for (const column of chart.data) if (column.length > SERIES_SECONDS) column.shift()
    chart.plot.setData(chart.data)
  }
}

// --- the feed ----------------------------------------------------------------------------------

const feed: FeedEntry[] = []
const seenIds = new Set<number>()

function feedItem(e: FeedEntry): HTMLLIElement {
  const li = el("li", { "data-service": e.service, "data-pattern": e.pattern, "data-kind": e.kind, "data-event": e.event })
  li.append(el("time", {}, new Date(e.t).toISOString().slice(11, 23)), document.createTextNode(`${e.service}  ${e.message}`))
  return li
}

function visible(e: FeedEntry): boolean {
  const pattern = $<HTMLSelectElement>("#filter-pattern").value
  const service = $<HTMLSelectElement>("#filter-service").value
  return (!pattern || e.pattern === pattern) && (!service || e.service === service)
}

function addFeed(entries: FeedEntry[], live: boolean): void {
  const list = $("#feed")
  for (const e of entries) {
    if (seenIds.has(e.id)) continue
    seenIds.add(e.id)
    feed.push(e)
    if (live) lags.push(Date.now() - e.t)
    if (visible(e)) list.prepend(feedItem(e))
  }
  while (list.children.length > FEED_SHOWN) list.lastElementChild!.remove()
  if (feed.length > 5000) feed.splice(0, feed.length - 5000)
}

function refilter(): void {
  $("#feed").replaceChildren(...feed.filter(visible).slice(-FEED_SHOWN).reverse().map(feedItem))
}

function fillFilters(services: ServiceView[]): void {
  for (const [selector, values] of [
    ["#filter-pattern", [...new Set(services.map(s => s.pattern))].sort()],
    ["#filter-service", services.map(s => s.name)],
  ] as const) {
    const select = $<HTMLSelectElement>(selector)
    const have = new Set([...select.options].map(o => o.value))
    for (const value of values) if (!have.has(value)) select.append(el("option", { value }, value))
  }
}

// --- the push stream ---------------------------------------------------------------------------

function render(next: State): void {
  state = next
  renderServices(next.services)
  renderTopology(next.services, next.edges)
  renderStreams(next.streams, next.series)
  fillFilters(next.services)
  const o = next.observer
  $("#observer-figures").textContent = `${next.services.length} services · ${o.lines} lines read · lag p50 ${o.lagMs.p50 ?? "–"} ms · observer ${o.rssMiB} MiB`
}

function connect(): void {
  const source = new EventSource("/api/stream")
  const connection = $("#connection")
  source.addEventListener("open", () => {
    connection.dataset.connection = "open"
    connection.textContent = "live"
  })
  source.addEventListener("error", () => {
    connection.dataset.connection = "closed"
    connection.textContent = "reconnecting…"
  })
  source.addEventListener("state", e => render(JSON.parse((e as MessageEvent<string>).data) as State))
  source.addEventListener("points", e => appendPoints(JSON.parse((e as MessageEvent<string>).data) as Point[]))
  source.addEventListener("events", e => addFeed(JSON.parse((e as MessageEvent<string>).data) as FeedEntry[], false))
  source.addEventListener("feed", e => addFeed([JSON.parse((e as MessageEvent<string>).data) as FeedEntry], true))
}

$("#filter-pattern").addEventListener("change", refilter)
$("#filter-service").addEventListener("change", refilter)
connect()
