// A chaos run as a scenario: the naive and the reliable variant of a pattern
// side by side in one project, the same seeded faults applied to both at the
// same moment (kill and restart, pause and unpause, network disconnect and
// reconnect). Both make messages at the same rate until the same deadline
// (PRODUCE_UNTIL), and the run waits until both have settled before anything
// stops. The faults are placed on the real clock: the time the docker commands
// take is part of the schedule, and the report gives the real number of faults
// and the real time they spanned. Verdict: PASS when every scheduled fault was
// applied and the reliable variant lost nothing, acknowledged nothing it then
// lost, and delivered nothing twice; the naive variant's figures are reported.
import { RUNNER, type History } from "../runner/history.js"
import {
  connect,
  disconnect,
  equals,
  kill,
  parallel,
  pause,
  reported,
  scenario,
  start,
  unpause,
  until,
  waitFor,
  type Action,
  type Check,
  type Scenario,
  fault as networkFault,
  heal,
} from "../runner/dsl.js"
import { describeVariant, type ChaosPattern, type VariantFigures } from "./patterns.js"
import { schedule, type Fault, type FaultKind } from "./schedule.js"
import { timelineSvg } from "./timeline.js"

const RATE = 10
/**
 * From the variants' start to the first fault: both up and delivering (a few
 * seconds, as the waits below see it). The deadline is set from it before
 * anything starts, so it is a fixed lead, not an event.
 */
export const LEAD_MS = 10_000
/** How long each variant may take to deliver its first message: a bound, longer than the lead. */
const FIRST_DELIVERY_TIMEOUT_MS = 20_000
/** After the deadline, how long each variant may take to settle. */
const SETTLE_TIMEOUT_MS = 90_000

const BEGINS = ["kill", "pause", "disconnect", "fault"]
const ENDS: Record<string, string> = { kill: "start", pause: "unpause", disconnect: "connect", fault: "heal" }

/** How each kind begins and ends, on one service. */
const ACTIONS: Record<FaultKind, [(service: string) => Action, (service: string) => Action]> = {
  kill: [s => kill(s), start],
  pause: [pause, unpause],
  disconnect: [disconnect, connect],
  loss: [s => networkFault(s, { kind: "loss", pct: 30 }), heal],
  blackhole: [s => networkFault(s, { kind: "blackhole" }), heal],
}

function faultActions(pattern: ChaosPattern, fault: Fault): Action[] {
  const { naive, reliable } = pattern.roles[fault.role]!
  const both = (make: (service: string) => Action) => parallel(make(naive), make(reliable))
  const [begin, end] = ACTIONS[fault.kind]
  return [until(LEAD_MS + fault.at), both(s => begin(s)), until(LEAD_MS + fault.at + fault.durationMs), both(s => end(s))]
}

export interface ChaosFigures {
  seed: number
  scheduled: number
  /** Faults begun on the naive variant's services (each is applied to both at once). */
  faultsApplied: number
  /** From the first fault's docker command to the end of the last one's recovery command. */
  faultSpanMs: number
  naive: VariantFigures
  reliable: VariantFigures
  [key: string]: unknown
}

/** The real faults: begin actions on the naive variant's services, and when the first began and the last ended. */
export function appliedFaults(history: History, pattern: ChaosPattern): { count: number; spanMs: number } {
  const actions = history.filter(e => e.service === RUNNER && e.event === "action" && pattern.naive.services.includes(e.target as string))
  const begins = actions.filter(e => BEGINS.includes(e.action as string))
  const ends = actions.filter(e => Object.values(ENDS).includes(e.action as string))
  const first = begins[0] ? ((begins[0].startedAt as number | undefined) ?? begins[0].t) : 0
  const last = ends.at(-1)?.t ?? first
  return { count: begins.length, spanMs: Math.max(0, last - first) }
}

export function chaosScenario(pattern: ChaosPattern, { durationS, seed, kinds }: { durationS: number; seed: number; kinds?: FaultKind[] }): Scenario {
  const faults = schedule({ seed, durationMs: durationS * 1000, roles: Object.keys(pattern.roles), ...(kinds ? { kinds } : {}) })
  const settleWait = (w: ChaosPattern["settled"]["naive"]) =>
    waitFor(w.service, w.event, { where: w.where, from: "start", timeoutMs: durationS * 1000 + SETTLE_TIMEOUT_MS })
  const timeline: Action[] = [
    waitFor(pattern.deliveries.naive.service, pattern.deliveries.naive.event, { from: "start", timeoutMs: FIRST_DELIVERY_TIMEOUT_MS }),
    waitFor(pattern.deliveries.reliable.service, pattern.deliveries.reliable.event, { from: "start", timeoutMs: FIRST_DELIVERY_TIMEOUT_MS }),
    ...faults.flatMap(fault => faultActions(pattern, fault)),
    // Both variants make messages until the same deadline, and both settle.
    settleWait(pattern.settled.naive),
    settleWait(pattern.settled.reliable),
  ]

  const split = (history: History, services: string[]) => history.filter(e => services.includes(e.service))
  const run = scenario<ChaosFigures>({
    name: `chaos-${pattern.name}`,
    title: `naive ${pattern.naive.label} vs ${pattern.reliable.label}`,
    claim: `Under the same ${faults.length} random faults (seed ${seed}, ${durationS} s), the ${pattern.reliable.label} loses nothing, acknowledges nothing it then loses and delivers nothing twice; the naive ${pattern.naive.label} loses messages.`,
    note: pattern.description,
    services: [...pattern.naive.services, ...pattern.reliable.services],
    env: startedAt => pattern.env(RATE, startedAt + LEAD_MS + durationS * 1000),
    timeline,
    figures: history => {
      const applied = appliedFaults(history, pattern)
      return {
        seed,
        scheduled: faults.length,
        faultsApplied: applied.count,
        faultSpanMs: applied.spanMs,
        faults,
        naive: pattern.figures(split(history, pattern.naive.services), "naive"),
        reliable: pattern.figures(split(history, pattern.reliable.services), "reliable"),
      }
    },
    checks: f => {
      const r = f.reliable
      const checks: Check[] = [
        ["scheduled faults applied to both variants", f.faultsApplied, equals(f.scheduled)],
        [`reliable: ${r.unit} lost`, r.lost, equals(0)],
        [`reliable: ${r.unit} delivered twice`, r.duplicated, equals(0)],
        [`reliable: ${r.unit} delivered but never made`, r.unexpected, equals(0)],
      ]
      if (r.acknowledgedButLost !== null) checks.push([`reliable: ${r.unit} acknowledged but lost`, r.acknowledgedButLost, equals(0)])
      if (r.unacknowledged !== null) checks.push([`reliable: ${r.unit} open at the end`, r.unacknowledged, equals(0)])
      if (r.finalStateDiffers !== undefined) checks.push(["reliable: keys differing from the original's final state", r.finalStateDiffers, equals(0)])
      checks.push(
        ["faults, in real time", `${f.faultsApplied} in ${(f.faultSpanMs / 1000).toFixed(1)} s`, reported],
        [`reliable (${pattern.reliable.label})`, describeVariant(r), reported],
        [`naive (${pattern.naive.label})`, describeVariant(f.naive), reported],
        ["longest outage (ms), naive / reliable", `${f.naive.longestOutageMs} / ${r.longestOutageMs}`, reported],
      )
      return checks
    },
    artifacts: history => {
      const actions = history.filter(e => e.service === RUNNER && e.event === "action")
      const begins = actions.filter(e => BEGINS.includes(e.action as string) && pattern.naive.services.includes(e.target as string))
      const bands = begins.map(b => {
        const stop = actions.find(e => e.action === ENDS[b.action as string] && e.target === b.target && e.t > b.t)
        return {
          from: (b.startedAt as number | undefined) ?? b.t,
          to: stop?.t ?? b.t,
          kind: b.action as string,
          label: `${b.action as string} ${Object.keys(pattern.roles).find(r => pattern.roles[r]!.naive === b.target) ?? b.target}`,
        }
      })
      const times = (s: { service: string; event: string }) => history.filter(e => e.service === s.service && e.event === s.event).map(e => e.t)
      const first = history.find(e => e.service === RUNNER && e.event === "phase")?.t ?? history[0]?.t ?? 0
      const last = history.filter(e => e.service === RUNNER).at(-1)?.t ?? history.at(-1)?.t ?? first
      return {
        "timeline.svg": timelineSvg({
          title: `chaos-${pattern.name}, seed ${seed}: delivered per second under the same faults`,
          start: first,
          end: last,
          bands,
          series: [
            { name: pattern.naive.label, color: "#c0392b", times: times(pattern.deliveries.naive) },
            { name: pattern.reliable.label, color: "#1e6fb8", times: times(pattern.deliveries.reliable) },
          ],
        }),
      }
    },
  })
  return run as unknown as Scenario
}
