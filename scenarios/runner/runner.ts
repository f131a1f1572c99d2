// Runs one scenario the way a person would by hand: a fresh Compose project per
// variant, the timeline's actions as docker commands (each printed), the logs of
// all containers collected as the history, and everything torn down afterwards,
// also on failure or Ctrl-C. Then the scenario's checker turns the history into
// figures and the checks into a verdict.
import { standardFigures } from "./checkers.js"
import { ComposeProject, type Env } from "./compose.js"
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
  /** Extra files of the run (file name -> content), written beside the report. */
  artifacts?: Record<string, string>
  claim: string
  note?: string
  verdict: "PASS" | "FAIL"
  checks: CheckResult[]
  figures: Record<string, unknown>
  commands: string[]
  startedAt: string
  durationMs: number
  error?: string
}

export interface RunOptions {
  /** Progress and commands, one line at a time. */
  print(line: string): void
}

const active = new Set<ComposeProject>()

type Note = (event: string, fields: Record<string, unknown>) => void

/** Waits, sleeps and address records only look: everything else acts on the system (and is noted in the history). */
const actsOnSystem = (action: Action) => action.kind !== "wait" && action.kind !== "sleep" && action.kind !== "address"

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
    default:
      return `${action.kind} ${action.service}`
  }
}

/** A rough time left for the progress line: sleeps as they are, other steps ~2 s. */
const estimateMs = (actions: Action[]) => actions.reduce((sum, a) => sum + (a.kind === "sleep" ? a.ms : 2000), 0)

function target(action: Action): string {
  if (action.kind === "up") return action.services.join(",")
  if ("service" in action) return action.service
  return ""
}

async function perform(project: ComposeProject, action: Action, variant: string, mark: number, note: Note): Promise<void> {
  switch (action.kind) {
    case "address":
      return note("address", { target: action.service, ip: await project.ip(action.service) })
    case "run":
      return void (await project.run(action.service, action.args))
    case "parallel":
      await Promise.all(action.actions.map(inner => perform(project, inner, variant, mark, note)))
      for (const inner of action.actions) if (actsOnSystem(inner)) note("action", { action: inner.kind, target: target(inner) })
      return
    case "exec": {
      const soFar = project.logs.records.map(r => toHistoryEvent(r, variant)).filter((e): e is HistoryEvent => e !== undefined)
      return void (await project.exec(action.service, action.command(soFar)))
    }
    case "start":
      return void (await project.start(action.service))
    case "stop":
      return void (await project.stop(action.service))
    case "kill":
      return void (await project.kill(action.service, action.signal))
    case "pause":
      return void (await project.pause(action.service))
    case "unpause":
      return void (await project.unpause(action.service))
    case "restart":
      return void (await project.restart(action.service))
    case "recreate":
      return void (await project.recreate(action.service))
    case "disconnect":
      return void (await project.disconnect(action.service))
    case "connect":
      return void (await project.connect(action.service))
    case "scale":
      return void (await project.scale(action.service, action.replicas))
    case "up":
      return project.up(action.services)
    case "sleep":
      // The timeline asks for a fixed span here (an outage of 3 s, say): the
      // sleep is the experiment's input, not a wait for something to happen.
      return new Promise(resolve => setTimeout(resolve, action.ms))
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
  const name = `zmqlab-sc-${scenario.name}-${variant.name}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 60)
  const echo = (command: string) => {
    commands.push(command)
    print(`    $ ${command}`)
  }
  const project = new ComposeProject(name, { environment: variant.env as Env, services: variant.serviceEnv, extraServices: variant.extraServices, echo })
  active.add(project)
  const note: Note = (event, fields) => {
    const t = Date.now()
    history.push({ t, timestamp: new Date(t).toISOString(), service: RUNNER, event, variant: variant.name, ...fields })
  }
  const started = new Set<string>()
  try {
    print(`  [${label}] start ${variant.services.join(", ")}`)
    await project.up(variant.services)
    for (const service of variant.services) started.add(service)
    note("phase", { phase: "started", services: variant.services })
    const steps = variant.timeline
    // A wait looks at what happened since the last action on the system (not
    // since the previous wait), so consecutive waits may see the same events.
    let mark = project.logs.mark
    for (const [index, action] of steps.entries()) {
      const left = Math.round(estimateMs(steps.slice(index)) / 1000)
      print(`  [${label}] step ${index + 1}/${steps.length}: ${describe(action)}  (~${left} s left)`)
      if (actsOnSystem(action)) mark = project.logs.mark
      const begun = Date.now()
      const origin = action.kind !== "wait" || action.from === "action" ? mark : action.from === "start" ? 0 : project.logs.mark
      await perform(project, action, variant.name, origin, note)
      if (action.kind === "up") for (const service of action.services) started.add(service)
      if (action.kind === "scale") started.add(action.service)
      if (actsOnSystem(action) && action.kind !== "parallel") note("action", { action: action.kind, target: target(action), startedAt: begun, ...(action.kind === "kill" ? { signal: action.signal } : {}) })
    }
    // Stop in the given order (producers first), so what is in flight can still
    // arrive, and every service writes its final stats line.
    for (const service of [...started]) {
      const state = (await project.states())[service]
      if (state !== "running" && state !== "paused") continue
      if (state === "paused") await project.unpause(service)
      const before = project.logs.mark
      await project.stop(service)
      await project.logs.waitFor(`${service} shutdown`, r => r.service === service && r.event === "shutdown", 5000, { after: before }).catch(() => undefined)
    }
    note("phase", { phase: "stopped" })
  } finally {
    for (const record of project.logs.records) {
      const event = toHistoryEvent(record, variant.name)
      if (event) history.push(event)
    }
    print(`  [${label}] tear down`)
    await project.down()
    active.delete(project)
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<{ result: RunResult; history: History }> {
  const startedAt = new Date()
  const history: History = []
  const commands: string[] = []
  let error: string | undefined
  try {
    for (const variant of scenario.variants) await runVariant(scenario, variant, history, commands, options)
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure)
  }
  history.sort(byTime)

  let figures: Record<string, unknown> = {}
  const checks: CheckResult[] = []
  try {
    // The scenario's own figures, then the standard ones of every run.
    figures = { ...scenario.figures(history), ...standardFigures(history) }
    for (const [name, observed, expect] of scenario.checks(figures as Parameters<typeof scenario.checks>[0])) {
      checks.push({ name, expected: expect.text, observed: observed ?? null, pass: expect.test(observed) })
    }
  } catch (failure) {
    error ??= `checker failed: ${failure instanceof Error ? failure.stack : String(failure)}`
  }
  let artifacts: Record<string, string> | undefined
  try {
    artifacts = scenario.artifacts?.(history, figures as Parameters<typeof scenario.checks>[0])
  } catch (failure) {
    error ??= `artifacts failed: ${String(failure)}`
  }
  const verdict = error === undefined && checks.length > 0 && checks.every(c => c.pass) ? "PASS" : "FAIL"
  const result: RunResult = { ...(artifacts ? { artifacts } : {}), scenario: scenario.name, claim: scenario.claim, note: scenario.note, verdict, checks, figures, commands, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), ...(error ? { error } : {}) }
  return { result, history }
}

export type { HistoryEvent }
