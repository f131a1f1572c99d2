// The observer's HTTP side: the page, its two files and uPlot's, the API, and
// the push stream (server-sent events). Every request passes guard.ts first;
// a bad one gets a 4xx with its reason, never an exception.
import { createHash } from "node:crypto"
import { createReadStream, existsSync, readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { EventLog } from "../shared/logger.js"
import { describeFault } from "../shared/faults.js"
import { ActionError, type DockerLab } from "./docker.js"
import { checkAction, checkHost, parseActionPath } from "./guard.js"
import type { FeedEntry, Observatory } from "./model.js"

const pageDir = fileURLToPath(new URL("./page/", import.meta.url))
const uplotDir = dirname(createRequire(import.meta.url).resolve("uplot"))
/** A push stream sends a comment this often, so proxies and the browser keep it open. */
const KEEPALIVE_MS = 15_000
const STATE_PUSH_MS = 1000

const STATIC: Record<string, { file: string; type: string }> = {
  "/app.js": { file: join(pageDir, "app.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: join(pageDir, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/uPlot.esm.js": { file: join(uplotDir, "uPlot.esm.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/uPlot.min.css": { file: join(uplotDir, "uPlot.min.css"), type: "text/css; charset=utf-8" },
}

export interface ObserverServer {
  clients(): number
  close(): Promise<void>
}

interface Options {
  model: Observatory
  lab: DockerLab
  token: string
  port: number
  log: EventLog
}

/** What GET /api/state answers, and what the push stream sends every second (without the series). */
export function stateOf(model: Observatory, now: number, withSeries: boolean) {
  return {
    now,
    services: model.servicesList(),
    edges: model.edgeList(),
    streams: model.streams(now),
    bands: model.bandList(),
    observer: { ...model.totals(), lagMs: model.lag(), rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) },
    ...(withSeries ? { series: model.series(now) } : {}),
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
  res.end(text)
}

export function serve({ model, lab, token, port, log }: Options): Promise<ObserverServer> {
  const streams = new Set<ServerResponse>()
  const page = existsSync(join(pageDir, "index.html")) ? readFileSync(join(pageDir, "index.html"), "utf8") : "<p>the page was not built</p>"

  // The page's one inline script (the import map naming uPlot's module) is allowed by its hash; nothing else inline runs.
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? ""
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${createHash("sha256").update(importMap).digest("base64")}'`,
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
  ].join("; ")

  const push = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  // Feed entries go out as they come (a log line reaches the page within the second);
  // the state (services, edges, rates) once a second.
  let soon: NodeJS.Timeout | undefined
  const offFeed = model.onFeed((entry: FeedEntry) => {
    for (const res of streams) push(res, "feed", entry)
    // A container's life changes the picture: the state goes out now, not at the next second.
    if ((entry.kind === "life" || entry.kind === "action") && !soon)
      soon = setTimeout(() => {
        soon = undefined
        const state = stateOf(model, Date.now(), false)
        for (const res of streams) push(res, "state", state)
      }, 50)
  })
  const stateTimer = setInterval(() => {
    if (streams.size === 0) return
    const now = Date.now()
    const state = stateOf(model, now, false)
    const second = Math.floor(now / 1000)
    // The newest full second of each stream's series, for the charts to append.
    const points = model
      .series(now)
      .map(s => ({ key: s.key, t: second - 1, received: s.received.at(-2), lost: s.lost.at(-2), duplicated: s.duplicated.at(-2) }))
    for (const res of streams) {
      push(res, "state", state)
      push(res, "points", points)
    }
  }, STATE_PUSH_MS)
  const keepalive = setInterval(() => {
    for (const res of streams) res.write(": keepalive\n\n")
  }, KEEPALIVE_MS)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://observer")
    const hostRefusal = checkHost(req.headers.host)
    if (hostRefusal) return send(res, hostRefusal.status, { error: hostRefusal.reason })
    if (req.method === "POST") {
      const refusal = checkAction({ host: req.headers.host, origin: req.headers.origin, token: req.headers["x-lab-token"] as string | undefined }, token)
      if (refusal) return send(res, refusal.status, { error: refusal.reason })
      const route = parseActionPath(
        url.pathname,
        name => model.has(name),
        name => model.isSelf(name),
        url.searchParams,
      )
      if ("status" in route) return send(res, route.status, { error: route.reason })
      const what = route.fault ? `fault ${describeFault(route.fault)}` : route.action
      try {
        if (route.fault) await lab.fault(route.service, route.fault)
        else if (route.action === "heal") await lab.heal(route.service)
        else if (route.action !== "fault") await lab.act(route.service, route.action)
        model.action(Date.now(), route.service, what, true)
        if (route.fault) model.fault(Date.now(), route.service, describeFault(route.fault))
        if (route.action === "heal") model.healed(Date.now(), route.service)
        log.info("lab-action", `${what} ${route.service}`, { target: route.service, action: what, ok: true })
        return send(res, 200, { ok: true, service: route.service, action: what })
      } catch (error) {
        const status = error instanceof ActionError ? error.status : 500
        const reason = (error as Error).message
        model.action(Date.now(), route.service, what, false, reason)
        log.warn("lab-action", `${what} ${route.service} refused: ${reason}`, { target: route.service, action: what, ok: false, reason })
        return send(res, status, { error: reason })
      }
    }
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: `method ${req.method ?? "?"} not allowed: GET, or POST for actions` })
    if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        // The page loads nothing from elsewhere, and no other site may frame it.
        "content-security-policy": csp,
      })
      return void res.end(page.replace("__LAB_TOKEN__", token))
    }
    const file = STATIC[url.pathname]
    if (file) {
      res.writeHead(200, { "content-type": file.type, "cache-control": "no-cache" })
      return void createReadStream(file.file)
        .on("error", () => res.end())
        .pipe(res)
    }
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end()
    if (url.pathname === "/api/state") return send(res, 200, stateOf(model, Date.now(), url.searchParams.get("series") !== "0"))
    if (url.pathname === "/api/events") {
      const since = Number(url.searchParams.get("since") ?? "0")
      if (!Number.isFinite(since)) return send(res, 400, { error: "since must be a time in epoch milliseconds" })
      return send(res, 200, { events: model.events(since) })
    }
    if (url.pathname === "/api/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" })
      push(res, "state", stateOf(model, Date.now(), true))
      push(res, "events", model.events(0).slice(-200))
      streams.add(res)
      req.on("close", () => streams.delete(res))
      return
    }
    return send(res, 404, { error: `no such page: ${url.pathname}` })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) })
      else res.end()
    })
  })
  return new Promise(resolve => {
    server.listen(port, "0.0.0.0", () =>
      resolve({
        clients: () => streams.size,
        close: () =>
          new Promise<void>(done => {
            offFeed()
            clearTimeout(soon)
            clearInterval(stateTimer)
            clearInterval(keepalive)
            for (const res of streams) res.end()
            server.close(() => done())
            server.closeAllConnections()
          }),
      }),
    )
  })
}
