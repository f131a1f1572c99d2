// A chaos run as a scenario: the naive and the reliable variant of a pattern
// side by side in one project, the same seeded faults applied to both at the
// same moment (kill and restart, pause and unpause, network disconnect and
// reconnect), then calm until the reliable variant has settled. Its verdict:
// PASS when the reliable variant lost nothing acknowledged and delivered
// nothing twice; the naive variant's losses are reported, not judged.
import { connect, disconnect, equals, kill, parallel, pause, reported, atLeast, scenario, sleep, start, unpause, waitFor, type Action, type Check, type Scenario } from "../runner/dsl.js"
import { RUNNER, type History } from "../runner/history.js"
import type { ChaosPattern, VariantFigures } from "./patterns.js"
import { schedule, type Fault } from "./schedule.js"
import { timelineSvg } from "./timeline.js"

export const MIN_FAULTS = 20
const RATE = 10
const SETTLE_TIMEOUT_MS = 60_000

function faultActions(pattern: ChaosPattern, fault: Fault, previousEnd: number): Action[] {
  const { naive, reliable } = pattern.roles[fault.role]!
  const both = (make: (service: string) => Action) => parallel(make(naive), make(reliable))
  const [begin, end] = fault.kind === "kill" ? [kill, start] : fault.kind === "pause" ? [pause, unpause] : [disconnect, connect]
  return [sleep(Math.max(0, fault.at - previousEnd)), both(s => begin(s)), sleep(fault.durationMs), both(s => end(s))]
}

interface ChaosFigures {
  seed: number
  faults: Fault[]
  faultsApplied: number
  naive: VariantFigures
  reliable: VariantFigures
  [key: string]: unknown
}

export function chaosScenario(pattern: ChaosPattern, { durationS, seed }: { durationS: number; seed: number }): Scenario {
  const faults = schedule({ seed, durationMs: durationS * 1000, roles: Object.keys(pattern.roles) })
  const timeline: Action[] = [
    waitFor(pattern.deliveries.naive.service, pattern.deliveries.naive.event, { from: "start", timeoutMs: 30_000 }),
    waitFor(pattern.deliveries.reliable.service, pattern.deliveries.reliable.event, { from: "start", timeoutMs: 30_000 }),
  ]
  let end = 0
  for (const fault of faults) {
    timeline.push(...faultActions(pattern, fault, end))
    end = fault.at + fault.durationMs
  }
  const settled = pattern.settled(RATE, durationS)
  timeline.push(waitFor(settled.service, settled.event, { where: settled.where, from: "start", timeoutMs: SETTLE_TIMEOUT_MS }))

  const split = (history: History, services: string[]) => history.filter(e => services.includes(e.service))
  const run = scenario<ChaosFigures>({
    name: `chaos-${pattern.name}`,
    claim: `Under the same ${faults.length} random faults (seed ${seed}, ${durationS} s), the reliable ${pattern.name} loses nothing it acknowledged and delivers nothing twice; the naive one loses messages.`,
    note: pattern.description,
    services: [...pattern.naive, ...pattern.reliable],
    env: pattern.env(RATE, durationS),
    timeline,
    figures: history => ({
      seed,
      faults,
      faultsApplied: history.filter(e => e.service === RUNNER && e.event === "action" && ["kill", "pause", "disconnect"].includes(e.action as string)).length / 2,
      naive: pattern.naiveFigures(split(history, pattern.naive)),
      reliable: pattern.reliableFigures(split(history, pattern.reliable)),
    }),
    checks: f => {
      // A pattern with acknowledgements is judged on what it acknowledged; one
      // without (pub/sub) on everything it published, and on its copy's state.
      const acked = f.reliable.acknowledged !== null
      const checks: Check[] = [
        ["faults injected (each on both variants)", f.faultsApplied, atLeast(MIN_FAULTS)],
        [acked ? "reliable: acknowledged but lost" : "reliable: published but lost (neither applied nor in a snapshot)", f.reliable.lost, equals(0)],
        ["reliable: delivered twice", f.reliable.duplicated, equals(0)],
        ["reliable: unexpected", f.reliable.unexpected, equals(0)],
      ]
      if (acked) checks.push(["reliable: unacknowledged at the end", f.reliable.unacknowledged, equals(0)])
      if (f.reliable.finalStateDiffers !== undefined) checks.push(["reliable: keys differing from the original's final state", f.reliable.finalStateDiffers, equals(0)])
      checks.push(
        ["reliable: attempted / acknowledged / delivered", `${f.reliable.attempted} / ${f.reliable.acknowledged ?? "(no acks)"} / ${f.reliable.delivered}`, reported],
        ["naive: attempted / delivered", `${f.naive.attempted} / ${f.naive.delivered}`, reported],
        ["naive: lost", f.naive.lost, reported],
        ["naive: delivered twice", f.naive.duplicated, reported],
      )
      if (f.naive.finalStateDiffers !== undefined) checks.push(["naive: keys differing from the original's final state", f.naive.finalStateDiffers, reported])
      checks.push(["longest outage (ms), naive / reliable", `${f.naive.longestOutageMs} / ${f.reliable.longestOutageMs}`, reported])
      return checks
    },
    artifacts: history => {
      const actions = history.filter(e => e.service === RUNNER && e.event === "action")
      const begins = actions.filter(e => ["kill", "pause", "disconnect"].includes(e.action as string) && pattern.naive.includes(e.target as string))
      const bands = begins.map(b => {
        const ender = { kill: "start", pause: "unpause", disconnect: "connect" }[b.action as "kill"]
        const stop = actions.find(e => e.action === ender && e.target === b.target && e.t > b.t)
        return { from: b.t, to: stop?.t ?? b.t, kind: b.action as string, label: `${b.action as string} ${Object.keys(pattern.roles).find(r => pattern.roles[r]!.naive === b.target) ?? b.target}` }
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
            { name: `naive ${pattern.name}`, color: "#c0392b", times: times(pattern.deliveries.naive) },
            { name: `reliable ${pattern.name}`, color: "#1e6fb8", times: times(pattern.deliveries.reliable) },
          ],
        }),
      }
    },
  })
  return run as unknown as Scenario
}
