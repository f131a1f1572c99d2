// The language of scenario files. A scenario is data: the claim in one
// sentence, the services it starts with their settings, a timeline of actions,
// the figures a checker computes from the run's history, and the checks with
// their expected values. The runner (runner.ts) does the rest.
import type { Env } from "../../harness/compose.js"
import type { Fault } from "../../harness/faults.js"
import type { History, HistoryEvent, HistoryEventName } from "./history.js"

export type Action =
  | { kind: "start" | "stop" | "pause" | "unpause" | "restart" | "recreate" | "disconnect" | "connect"; service: string }
  | { kind: "kill"; service: string; signal: string }
  | { kind: "up"; services: string[] }
  | { kind: "scale"; service: string; replicas: number }
  | { kind: "wait"; description: string; where: (event: HistoryEvent) => boolean; count: number; timeoutMs: number; from: WaitOrigin }
  | { kind: "sleep"; ms: number }
  | { kind: "until"; ms: number }
  | { kind: "address"; service: string }
  | { kind: "run"; service: string; args: string[] }
  | { kind: "exec"; service: string; command: (history: History) => string[] }
  | { kind: "parallel"; actions: Action[] }
  | { kind: "fault"; service: string; fault: Fault }
  | { kind: "heal"; service: string }
  | { kind: "allow"; key: string }
  | { kind: "node-down" | "node-up" | "node-cut" | "node-heal"; service: string }

/** Which events a wait counts: since the variant started, since the last action on the system, or only new ones. */
export type WaitOrigin = "start" | "action" | "now"

export interface Variant {
  name: string
  /** Started (in this order) before the timeline; after it, the producers stop first, then the rest in this order. */
  services: string[]
  /** Settings for every service; a function gets the variant's start time (epoch ms), for settings that are times. */
  env?: Env | ((startedAt: number) => Env)
  serviceEnv?: Record<string, Env>
  extraServices?: Record<string, { like: string; env?: Env }>
  /** curve: the lab as `SECURITY=curve make up` starts it, with key pairs of the run's own. */
  security?: "none" | "curve"
  /** swarm: a stack of its own on the Docker Swarm (make swarm-sim-up, make swarm-up), not a Compose project. */
  platform?: "compose" | "swarm"
  timeline: Action[]
}

export type Figures = Record<string, unknown>

export interface Expectation {
  /** What is expected, in words: "0", "< 5000", "between 90 and 110". */
  text: string
  test(value: unknown): boolean
}

/** One check: its name, the observed value (from the figures), what is expected of it. */
export type Check = [name: string, observed: unknown, expect: Expectation]

export interface Scenario<F extends Figures = Figures> {
  name: string
  /** What is compared, where the name alone does not say it ("naive PUSH/PULL vs reliable pipeline"). */
  title?: string
  claim: string
  /** Where the common statement is wrong or imprecise: what the run shows instead. */
  note?: string
  variants: Variant[]
  figures(history: History): F
  checks(figures: F): Check[]
  /** Extra files for the run folder (a timeline picture), by file name. */
  artifacts?(history: History, figures: F): Record<string, string>
  /** What the machine must have; where it lacks it the run is SKIPPED with the reason, never PASS. */
  requires?: ("netem" | "swarm")[]
}

type ScenarioInput<F extends Figures> = Omit<Scenario<F>, "variants"> & ({ variants: Variant[] } | Omit<Variant, "name">)

/** A scenario with one run (`services`, `timeline`, ...) or several (`variants`). */
export function scenario<F extends Figures>(input: ScenarioInput<F>): Scenario<F> {
  if ("variants" in input) return input
  const { name, title, claim, note, figures, checks, artifacts, requires, services, env, serviceEnv, extraServices, security, platform, timeline } = input
  return {
    name,
    title,
    claim,
    note,
    figures,
    checks,
    artifacts,
    requires,
    variants: [{ name: "main", services, env, serviceEnv, extraServices, security, platform, timeline }],
  }
}

// --- actions ------------------------------------------------------------------

export const start = (service: string): Action => ({ kind: "start", service })
export const stop = (service: string): Action => ({ kind: "stop", service })
export const kill = (service: string, signal = "SIGKILL"): Action => ({ kind: "kill", service, signal })
export const pause = (service: string): Action => ({ kind: "pause", service })
export const unpause = (service: string): Action => ({ kind: "unpause", service })
export const restart = (service: string): Action => ({ kind: "restart", service })
export const recreate = (service: string): Action => ({ kind: "recreate", service })
export const disconnect = (service: string): Action => ({ kind: "disconnect", service })
export const connect = (service: string): Action => ({ kind: "connect", service })
export const up = (...services: string[]): Action => ({ kind: "up", services })
export const scale = (service: string, replicas: number): Action => ({ kind: "scale", service, replicas })
export const sleep = (ms: number): Action => ({ kind: "sleep", ms })
/** Sleeps until `ms` after the variant's start (at once if that has passed): a schedule on the real clock. */
export const until = (ms: number): Action => ({ kind: "until", ms })
/** Several actions at the same moment (one fault on the naive and the reliable variant alike). */
export const parallel = (...actions: Action[]): Action => ({ kind: "parallel", actions })
/** Runs a one-shot container of a (tools) service; its log lines join the history. */
export const run = (service: string, ...args: string[]): Action => ({ kind: "run", service, args })
/** Runs a command inside a service's container; the command may depend on the events so far (a pid). */
export const exec = (service: string, command: string[] | ((history: History) => string[])): Action => ({
  kind: "exec",
  service,
  command: typeof command === "function" ? command : () => command,
})
/** A network fault in the service's namespace (harness/faults.ts): loss, blackhole, reset, bandwidth, and the netem kinds. */
export const fault = (service: string, f: Fault): Action => ({ kind: "fault", service, fault: f })
/** Puts a key pair's public key (make keys' names: stranger, ...) on the run's allow-list, without a restart. */
export const allowKey = (key: string): Action => ({ kind: "allow", key })
/** On the Swarm: pauses the node that runs the service's task (its engine and every task on it). */
export const nodeDown = (service: string): Action => ({ kind: "node-down", service })
/** On the Swarm: lets the node that nodeDown paused for the service run again. */
export const nodeUp = (service: string): Action => ({ kind: "node-up", service })
/** On the Swarm: cuts the node that runs the service's task off from the other nodes (its traffic dropped both ways). */
export const cutNode = (service: string): Action => ({ kind: "node-cut", service })
/** On the Swarm: heals the cut cutNode made for the service. */
export const healNode = (service: string): Action => ({ kind: "node-heal", service })
/** Removes the service's network faults. */
export const heal = (service: string): Action => ({ kind: "heal", service })
/** Records the service's current address on the project network in the history (event `address`). */
export const recordAddress = (service: string): Action => ({ kind: "address", service })

/**
 * Waits until `count` events of `service` named `event` (and matching `where`)
 * have happened, counted `from` the last action on the system (default), the
 * variant's start, or now (the next such event): the timeline moves on an
 * event, not on a guess. `timeoutMs` only bounds a failure.
 */
export function waitFor(
  service: string,
  event: HistoryEventName,
  {
    where = () => true,
    count = 1,
    timeoutMs = 15_000,
    from = "action",
  }: { where?: (e: HistoryEvent) => boolean; count?: number; timeoutMs?: number; from?: WaitOrigin } = {},
): Action {
  const origin = from === "start" ? " (since the start)" : from === "now" ? " (a new one)" : ""
  return {
    kind: "wait",
    description: `${count > 1 ? `${count} × ` : ""}${service} ${event}${origin}`,
    where: e => e.service === service && e.event === event && where(e),
    count,
    timeoutMs,
    from,
  }
}

// --- expectations -------------------------------------------------------------

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : Number.NaN)

export const equals = (expected: unknown): Expectation => ({
  text: JSON.stringify(expected),
  test: value => JSON.stringify(value) === JSON.stringify(expected),
})
export const atLeast = (min: number): Expectation => ({ text: `≥ ${min}`, test: value => num(value) >= min })
export const atMost = (max: number): Expectation => ({ text: `≤ ${max}`, test: value => num(value) <= max })
export const below = (max: number): Expectation => ({ text: `< ${max}`, test: value => num(value) < max })
export const between = (min: number, max: number): Expectation => ({ text: `${min} to ${max}`, test: value => num(value) >= min && num(value) <= max })
/** For a pair [a, b] that must be equal; `text` says what they are ("received = sent"). */
export const same = (text: string): Expectation => ({
  text,
  test: value => Array.isArray(value) && value.length === 2 && JSON.stringify(value[0]) === JSON.stringify(value[1]),
})
/** For [what the lab logged, what the history shows]: the lab's own count must agree. */
export const agree: Expectation = same("logged = counted")
/** A figure that is reported, not judged (the naive variant's losses). */
export const reported: Expectation = { text: "(reported)", test: () => true }
export const isTrue: Expectation = { text: "yes", test: value => value === true }
