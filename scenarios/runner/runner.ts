// Runs one scenario the way a person would by hand: a fresh Compose project per
// variant, the timeline's actions as docker commands (each printed), the logs of
// all containers collected as the history, and everything torn down afterwards,
// also on failure or Ctrl-C. Then the scenario's checker turns the history into
// figures and the checks into a verdict.
import { account } from "../../shared/accounting.js"
import { standardFigures } from "./checkers.js"
import { ComposeProject } from "../../harness/compose.js"
import { describeFault, netemAvailable } from "../../harness/faults.js"
import { SwarmProject, swarmMissing } from "../../harness/swarm.js"
import type { Action, Scenario, Variant } from "./dsl.js"
import { byTime, RUNNER, toHistoryEvent, type History, type HistoryEvent } from "./history.js"

export interface CheckResult {
  name: string
  expected: string
  observed: unknown
  pass: boolean
}

export interface RunResult {
  scenario: string
  title?: string
  /** Extra files of the run (file name -> content), written beside the report. */
  artifacts?: Record<string, string>
  claim: string
  note?: string
  verdict: Verdict
  checks: CheckResult[]
  figures: Record<string, unknown>
  commands: string[]
  startedAt: string
  durationMs: number
  error?: string
}

/** SKIPPED: the machine lacks what the scenario needs (the error says what); never counted as a pass. */
export type Verdict = "PASS" | "FAIL" | "SKIPPED"

export interface RunOptions {
  /** Progress and commands, one line at a time. */
  print(line: string): void
}

/** A variant's lab: a Compose project on this host, or a stack on the Swarm. */
type Project = ComposeProject | SwarmProject

const active = new Set<Project>()

type Note = (event: string, fields: Record<string, unknown>) => void

/** Waits, sleeps and address records only look: everything else acts on the system (and is noted in the history). */
const actsOnSystem = (action: Action) => action.kind !== "wait" && action.kind !== "sleep" && action.kind !== "until" && action.kind !== "address"

/** What this machine lacks of the scenario's requirements, in words (undefined: nothing). */
async function missingRequirement(scenario: Scenario): Promise<string | undefined> {
  if (scenario.requires?.includes("netem")) {
    const netem = await netemAvailable()
    if (!netem.available) return netem.reason
  }
  if (scenario.requires?.includes("swarm")) return swarmMissing()
  return undefined
}

/** Tears down whatever is running (Ctrl-C): no container, network or volume left. */
export async function teardownAll(): Promise<void> {
  await Promise.all([...active].map(project => project.down()))
  active.clear()
}

function describe(action: Action): string {
  switch (action.kind) {
    case "wait":
      return `wait for ${action.description}`
    case "sleep":
      return `sleep ${action.ms / 1000} s`
    case "until":
      return `until ${(action.ms / 1000).toFixed(1)} s after the start`
    case "up":
      return `start ${action.services.join(", ")}`
    case "kill":
      return `kill (${action.signal}) ${action.service}`
    case "scale":
      return `scale ${action.service} to ${action.replicas}`
    case "address":
      return `record the address of ${action.service}`
    case "run":
      return `run ${action.service} ${action.args.join(" ")}`.trim()
    case "exec":
      return `exec in ${action.service}`
    case "parallel":
      return action.actions.map(describe).join(" + ")
    case "fault":
      return `fault ${describeFault(action.fault)} on ${action.service}`
    case "allow":
      return `put ${action.key}.pub on the allow-list`
    case "node-down":
      return `pause the node that runs ${action.service}`
    case "node-up":
      return `let the node paused for ${action.service} run again`
    case "node-cut":
      return `cut the node that runs ${action.service} off the others`
    case "node-heal":
      return `heal the cut of the node of ${action.service}`
    default:
      return `${action.kind} ${action.service}`
  }
}

/** Events that show messages still arriving somewhere. */
const ARRIVALS = new Set(["received", "delivered", "duplicate-dropped", "acked", "gap", "late-arrival", "done"])
/** How often the drain looks whether everything sent has arrived. */
const DRAIN_STEP_MS = 250
/** The drain ends after this long without an arrival (longer than any task's work in the catalogue)... */
const QUIET_MS = 3000
/** ...or after this long in all (a slow subscriber's backlog, bounded). */
const DRAIN_MAX_MS = 20_000

/** True when every declared stream has nothing missing: all that was sent has arrived where it should. */
function nothingMissing(records: Record<string, unknown>[], variant: string): boolean {
  const history = records.map(r => toHistoryEvent(r, variant)).filter((e): e is HistoryEvent => e !== undefined)
  return account(history).every(f => f.lost === 0)
}

/**
 * Lets what the stopped producers sent arrive. It ends as soon as nothing
 * is missing any more; otherwise (a message really lost never arrives) at the
 * first QUIET_MS without an arrival: there is no event for "nothing more is on
 * its way", so this bounded wait is the one place a run waits on silence. The
 * history says how long it took (`drained`).
 */
async function drain(project: Project, variant: string): Promise<number> {
  const started = Date.now()
  let quietSince = started
  while (Date.now() - started < DRAIN_MAX_MS) {
    const arrived = await project.logs
      .waitFor("an arrival", r => ARRIVALS.has(r.event), DRAIN_STEP_MS, { after: project.logs.mark })
      .then(
        () => true,
        () => false,
      )
    if (arrived) quietSince = Date.now()
    else if (Date.now() - quietSince >= QUIET_MS || nothingMissing(project.logs.records, variant)) break
  }
  return Date.now() - started
}

/** A rough time left for the progress line: sleeps as they are, other steps ~2 s. */
const estimateMs = (actions: Action[]) => actions.reduce((sum, a) => sum + (a.kind === "sleep" ? a.ms : 2000), 0)
/** The time left: to the last `until` of the timeline, when it has one. */
function timeLeftMs(actions: Action[], startedAt: number): number {
  const last = actions.filter(a => a.kind === "until").at(-1)
  return last?.kind === "until" ? Math.max(0, startedAt + last.ms - Date.now()) + 2000 : estimateMs(actions)
}

function target(action: Action): string {
  if (action.kind === "up") return action.services.join(",")
  if (action.kind === "allow") return action.key
  if ("service" in action) return action.service
  return ""
}

/** The project as a Compose one, for an action only Compose has. */
function compose(project: Project, action: Action): ComposeProject {
  if (project instanceof ComposeProject) return project
  throw new Error(`${describe(action)}: not an action on the Swarm (node-down, node-up, node-cut, node-heal, scale, stop and waits are)`)
}

async function perform(project: Project, action: Action, variant: string, mark: number, note: Note, startedAt: number): Promise<void> {
  if (action.kind === "node-down" || action.kind === "node-up" || action.kind === "node-cut" || action.kind === "node-heal") {
    if (!(project instanceof SwarmProject)) throw new Error(`${describe(action)}: an action on the Swarm only`)
    const node = await project.nodeAction(action.kind, action.service)
    return note("node", { action: action.kind, target: action.service, node })
  }
  // On the Swarm a task's address is its node's business: where it runs is what a scenario records.
  if (action.kind === "address" && project instanceof SwarmProject)
    return note("address", { target: action.service, node: await project.nodeOf(action.service) })
  if (action.kind === "scale") return void (await project.scale(action.service, action.replicas))
  if (action.kind === "up") return project.up(action.services)
  if (action.kind === "stop") return void (await project.stop(action.service))
  switch (action.kind) {
    case "address":
      return note("address", { target: action.service, ip: await compose(project, action).ip(action.service) })
    case "run":
      return void (await compose(project, action).run(action.service, action.args))
    case "parallel": {
      const begun = Date.now()
      await Promise.all(action.actions.map(inner => perform(project, inner, variant, mark, note, startedAt)))
      for (const inner of action.actions) if (actsOnSystem(inner)) note("action", { action: inner.kind, target: target(inner), startedAt: begun })
      return
    }
    case "exec": {
      const soFar = project.logs.records.map(r => toHistoryEvent(r, variant)).filter((e): e is HistoryEvent => e !== undefined)
      return void (await compose(project, action).exec(action.service, action.command(soFar)))
    }
    case "start":
      return void (await compose(project, action).start(action.service))
    case "kill":
      return void (await compose(project, action).kill(action.service, action.signal))
    case "pause":
      return void (await compose(project, action).pause(action.service))
    case "unpause":
      return void (await compose(project, action).unpause(action.service))
    case "restart":
      return void (await compose(project, action).restart(action.service))
    case "recreate":
      return void (await compose(project, action).recreate(action.service))
    case "disconnect":
      return void (await compose(project, action).disconnect(action.service))
    case "connect":
      return void (await compose(project, action).connect(action.service))
    case "fault":
      return compose(project, action).fault(action.service, action.fault)
    case "heal":
      return compose(project, action).heal(action.service)
    case "allow":
      return compose(project, action).allowKey(action.key)
    case "sleep":
      // The timeline asks for a fixed span here (an outage of 3 s, say): the
      // sleep is the experiment's input, not a wait for something to happen.
      return new Promise(resolve => setTimeout(resolve, action.ms))
    case "until":
      // A schedule on the real clock (chaos): the docker commands' own time is
      // part of it, not added on top.
      return new Promise(resolve => setTimeout(resolve, Math.max(0, startedAt + action.ms - Date.now())))
    case "wait": {
      const matches = (record: Record<string, unknown>) => {
        const event = toHistoryEvent(record, variant)
        return event !== undefined && action.where(event)
      }
      // Counted as records arrive (not by rescanning them all at each one): a
      // chaos run's wait "since the start" looks at thousands of records.
      let seen = project.logs.records.slice(mark).filter(matches).length
      if (seen >= action.count) return
      await project.logs.waitFor(action.description, record => matches(record) && ++seen >= action.count, action.timeoutMs, { after: project.logs.mark })
      return
    }
  }
}

async function runVariant(scenario: Scenario, variant: Variant, history: History, commands: string[], { print }: RunOptions): Promise<void> {
  const label = scenario.variants.length > 1 ? `${scenario.name}/${variant.name}` : scenario.name
  const name = `zmqlab-sc-${scenario.name}-${variant.name}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 60)
  const echo = (command: string) => {
    commands.push(command)
    print(`    $ ${command}`)
  }
  const startedAt = Date.now()
  const environment = typeof variant.env === "function" ? variant.env(startedAt) : variant.env
  const project: Project =
    variant.platform === "swarm"
      ? new SwarmProject(name, { environment, services: variant.serviceEnv, echo })
      : new ComposeProject(name, {
          environment,
          services: variant.serviceEnv,
          extraServices: variant.extraServices,
          security: variant.security,
          echo,
        })
  active.add(project)
  const note: Note = (event, fields) => {
    const t = Date.now()
    history.push({ t, timestamp: new Date(t).toISOString(), service: RUNNER, event, variant: variant.name, ...fields })
  }
  const started = new Set<string>()
  let incomplete: unknown
  try {
    print(`  [${label}] start ${variant.services.join(", ")}`)
    // A wait looks at what happened since the last action on the system (not
    // since the previous wait), so consecutive waits may see the same events.
    // The first such action is this start: what the services log while it
    // completes counts.
    let mark = project.logs.mark
    await project.up(variant.services)
    for (const service of variant.services) started.add(service)
    note("phase", { phase: "started", services: variant.services })
    const steps = variant.timeline
    for (const [index, action] of steps.entries()) {
      const left = Math.round(timeLeftMs(steps.slice(index), startedAt) / 1000)
      print(`  [${label}] step ${index + 1}/${steps.length}: ${describe(action)}  (~${left} s left)`)
      if (actsOnSystem(action)) mark = project.logs.mark
      const begun = Date.now()
      const origin = action.kind !== "wait" || action.from === "action" ? mark : action.from === "start" ? 0 : project.logs.mark
      await perform(project, action, variant.name, origin, note, startedAt)
      if (action.kind === "up") for (const service of action.services) started.add(service)
      if (action.kind === "scale") started.add(action.service)
      if (actsOnSystem(action) && action.kind !== "parallel")
        note("action", {
          action: action.kind,
          target: target(action),
          startedAt: begun,
          ...(action.kind === "kill" ? { signal: action.signal } : {}),
          ...(action.kind === "fault" ? { fault: describeFault(action.fault) } : {}),
        })
    }
    // The producers stop first; what they sent is let arrive (the drain); then
    // the rest stop in the given order, each writing its final stats line. So
    // the end of a run never counts as loss what was merely still on its way.
    // On the Swarm a service's lines name its task (`<service>.<slot>`).
    const serviceOf = (name: string) => (project instanceof SwarmProject ? name.replace(/\.\d+$/, "") : name)
    const producers = new Set(project.logs.records.filter(r => r.event === "producing" && typeof r.promise === "string").map(r => serviceOf(r.service)))
    const order = [...[...started].filter(s => producers.has(s)), ...[...started].filter(s => !producers.has(s))]
    for (const [index, service] of order.entries()) {
      const state = (await project.states())[service]
      if (state !== "running" && state !== "paused") continue
      if (state === "paused") await compose(project, { kind: "unpause", service }).unpause(service)
      const before = project.logs.mark
      await project.stop(service)
      await project.logs
        .waitFor(`${service} shutdown`, r => serviceOf(r.service) === service && r.event === "shutdown", 5000, { after: before })
        .catch(() => undefined)
      const next = order[index + 1]
      if (producers.has(service) && (next === undefined || !producers.has(next))) {
        note("phase", { phase: "producers-stopped" })
        const drainedMs = await drain(project, variant.name)
        note("phase", { phase: "drained", drainedMs })
      }
    }
    note("phase", { phase: "stopped" })
  } finally {
    // On the Swarm the live streams can miss lines (a node that went away):
    // read what is missing from the nodes; a history that stays incomplete fails the run.
    if (project instanceof SwarmProject) {
      const added = await project.settle().catch((error: unknown) => ((incomplete = error), 0))
      if (added > 0) print(`  [${label}] ${added} log lines the live streams missed, read from the nodes`)
    }
    for (const record of project.logs.records) {
      const event = toHistoryEvent(record, variant.name)
      if (event) history.push(event)
    }
    print(`  [${label}] tear down`)
    await project.down()
    active.delete(project)
  }
  if (incomplete !== undefined) throw incomplete
}

/**
 * Pure: a scenario's figures (its own, then the standard ones of every run),
 * its checks and its verdict, from a history. PASS needs at least one check
 * and every check passing.
 */
export function judge(
  scenario: Scenario,
  history: History,
): { figures: Record<string, unknown>; checks: CheckResult[]; verdict: "PASS" | "FAIL"; error?: string } {
  let figures: Record<string, unknown> = {}
  const checks: CheckResult[] = []
  try {
    figures = { ...scenario.figures(history), ...standardFigures(history) }
    for (const [name, observed, expect] of scenario.checks(figures as Parameters<typeof scenario.checks>[0])) {
      checks.push({ name, expected: expect.text, observed: observed ?? null, pass: expect.test(observed) })
    }
  } catch (failure) {
    return { figures, checks, verdict: "FAIL", error: `checker failed: ${failure instanceof Error ? failure.stack : String(failure)}` }
  }
  return { figures, checks, verdict: checks.length > 0 && checks.every(c => c.pass) ? "PASS" : "FAIL" }
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<{ result: RunResult; history: History }> {
  const startedAt = new Date()
  const missing = await missingRequirement(scenario)
  if (missing) {
    options.print(`  SKIPPED: ${missing}`)
    const result: RunResult = {
      scenario: scenario.name,
      ...(scenario.title ? { title: scenario.title } : {}),
      claim: scenario.claim,
      note: scenario.note,
      verdict: "SKIPPED",
      checks: [],
      figures: {},
      commands: [],
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      error: missing,
    }
    return { result, history: [] }
  }
  const history: History = []
  const commands: string[] = []
  let error: string | undefined
  try {
    for (const variant of scenario.variants) await runVariant(scenario, variant, history, commands, options)
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure)
  }
  history.sort(byTime)

  const judged = judge(scenario, history)
  const { figures, checks } = judged
  error ??= judged.error
  let artifacts: Record<string, string> | undefined
  try {
    artifacts = scenario.artifacts?.(history, figures as Parameters<typeof scenario.checks>[0])
  } catch (failure) {
    error ??= `artifacts failed: ${String(failure)}`
  }
  const verdict: Verdict = error === undefined && judged.verdict === "PASS" ? "PASS" : "FAIL"
  const result: RunResult = {
    ...(artifacts ? { artifacts } : {}),
    scenario: scenario.name,
    ...(scenario.title ? { title: scenario.title } : {}),
    claim: scenario.claim,
    note: scenario.note,
    verdict,
    checks,
    figures,
    commands,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    ...(error ? { error } : {}),
  }
  return { result, history }
}

export type { HistoryEvent }
