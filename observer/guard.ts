// Who may ask the observer for what. The Docker socket behind it is root on the
// host, so: it answers only requests addressed to the loopback (a DNS-rebinding
// page names another host), it acts only on a POST from its own origin (or from
// no browser at all) that carries the token its page was given at this start,
// and only on the lab's own services. Pure, tested without a socket.
import { FaultError, parseFault, type Fault } from "../shared/faults.js"
import { ACTIONS, type Action } from "./docker.js"

export interface Refusal {
  status: number
  reason: string
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"])

/** The host part of a Host header (or of an origin's authority). */
const hostPart = (authority: string) => (authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.split(":")[0]!)

/** Every request: addressed to the loopback by name or number. */
export function checkHost(host: string | undefined): Refusal | undefined {
  if (!host || !LOOPBACK.has(hostPart(host).toLowerCase()))
    return { status: 421, reason: `the observer answers requests to 127.0.0.1 or localhost only, not ${JSON.stringify(host ?? "")}` }
  return undefined
}

/** A state-changing request: from the page's own origin (or none: a script), with this start's token. */
export function checkAction(headers: { host?: string; origin?: string; token?: string }, token: string): Refusal | undefined {
  const host = checkHost(headers.host)
  if (host) return host
  if (headers.origin !== undefined && headers.origin !== `http://${headers.host}`)
    return { status: 403, reason: `cross-origin request refused (Origin ${headers.origin}, expected http://${headers.host})` }
  if (headers.token !== token) return { status: 403, reason: "missing or wrong X-Lab-Token (the page has it; so does the observer's first log line)" }
  return undefined
}

export type ActionRoute = { service: string; action: Action; fault?: Fault } | Refusal

/** /api/services/<name>/<action> -> what to do, or why not. */
export function parseActionPath(
  path: string,
  known: (service: string) => boolean,
  isSelf: (service: string) => boolean,
  query: URLSearchParams = new URLSearchParams(),
): ActionRoute {
  const match = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path)
  if (!match) return { status: 404, reason: "expected /api/services/<service>/<action>" }
  let service: string
  try {
    service = decodeURIComponent(match[1]!)
  } catch {
    return { status: 400, reason: "the service name is not valid URL encoding" }
  }
  const action = match[2]!
  if (!(ACTIONS as readonly string[]).includes(action)) return { status: 400, reason: `unknown action ${JSON.stringify(action)}: one of ${ACTIONS.join(", ")}` }
  if (isSelf(service)) return { status: 400, reason: "the observer does not act on itself" }
  if (!known(service)) return { status: 404, reason: `no lab service named ${JSON.stringify(service)}` }
  if (action === "fault") {
    // The same parameters as make fault: ?kind=loss&pct=30, ?kind=blackhole, ?kind=bandwidth&rate=1mbit, ...
    const get = (name: string) => query.get(name) ?? undefined
    try {
      const fault = parseFault({
        kind: get("kind"),
        pct: get("pct"),
        dir: get("dir"),
        port: get("port"),
        rate: get("rate"),
        ms: get("ms"),
        jitter: get("jitter"),
      })
      return { service, action: "fault", fault }
    } catch (error) {
      if (error instanceof FaultError) return { status: 400, reason: error.message }
      throw error
    }
  }
  return { service, action: action as Action }
}
