// PUSH/PULL: a worker killed while it works on a task. The kill is aimed from
// the worker's own log: the moment it says it took a task (work begins), it is
// killed, with that task in hand. The plain pipeline loses that task, and the
// sink names it; the reliable pipeline sends it again to the other worker and
// completes it. Neither counts a task delivered before its work was done.
import { asRanges, events, gapsLogged, loadBalanced, ofVariant, parseIds } from "../runner/checkers.js"
import { agree, atLeast, equals, isTrue, kill, scenario, waitFor, type Variant } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const TASKS = 8
// 2 tasks/s, 1.5 s of work each: the kill (a few hundred ms) lands mid-work.
const work = (prefix: string) => ({
  [`${prefix}_TASKS`]: String(TASKS),
  [`${prefix}_RATE`]: "2",
  [`${prefix}_WORK_MS_MIN`]: "1500",
  [`${prefix}_WORK_MS_MAX`]: "1500",
})

const variants: Variant[] = [
  {
    name: "plain",
    services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
    env: { ...work("PIPELINE"), PIPELINE_LOSS_GRACE_MS: "3000" },
    timeline: [
      waitFor("pipeline-worker-1", "received", { from: "start", timeoutMs: 20_000 }),
      kill("pipeline-worker-1"),
      waitFor("pipeline-ventilator", "done", { from: "start", timeoutMs: 30_000 }),
      waitFor("pipeline-sink", "stats", { where: e => e.pending === 0, from: "now" }),
    ],
  },
  {
    name: "reliable",
    services: ["reliable-pipeline-sink", "reliable-pipeline-worker-1", "reliable-pipeline-worker-2", "reliable-pipeline-ventilator"],
    env: { ...work("RELIABLE_PIPELINE"), RELIABLE_PIPELINE_ACK_TIMEOUT_MS: "3000" },
    timeline: [
      waitFor("reliable-pipeline-worker-1", "received", { from: "start", timeoutMs: 20_000 }),
      kill("reliable-pipeline-worker-1"),
      // Settled: every task made and acknowledged.
      waitFor("reliable-pipeline-ventilator", "stats", { where: e => e.pending === 0 && (e.nextId as number) > TASKS, from: "start", timeoutMs: 60_000 }),
    ],
  },
]

function figuresOf(history: History, { worker, sibling, sink, ventilator }: { worker: string; sibling: string; sink: string; ventilator: string }) {
  const killedAt = history.find(e => e.service === "runner" && e.event === "action" && e.action === "kill" && e.target === worker)?.t
  // The task the killed worker had taken last before the kill.
  const inHand = events(history, worker, "received", e => killedAt !== undefined && e.t < killedAt).at(-1)?.seq as number | undefined
  const doneBy = (service: string) => events(history, service, "done", e => e.seq === inHand)
  const deliveries = events(history, sink, "delivered", e => e.seq === inHand)
  const tasks = loadBalanced(history, { producer: ventilator })
  // For every delivered task: a worker finished its work on it first.
  const doneAt = new Map<number, number>()
  for (const e of [...events(history, worker, "done"), ...events(history, sibling, "done")]) if (!doneAt.has(e.seq as number)) doneAt.set(e.seq as number, e.t)
  const deliveredBeforeDone = events(history, sink, "delivered")
    .filter(e => !(doneAt.get(e.seq as number)! <= e.t))
    .map(e => e.seq as number)
  return {
    taskInHand: inHand ?? null,
    killedWhileWorking: inHand !== undefined && doneBy(worker).length === 0,
    doneBySibling: doneBy(sibling).length,
    deliveredTimes: deliveries.length,
    lostIds: parseIds(tasks?.lostIds ?? ""),
    namedBySink: gapsLogged(history, sink),
    lost: tasks?.lost ?? null,
    acknowledgedButLost: tasks?.acknowledgedButLost ?? null,
    duplicated: tasks?.duplicated ?? null,
    resent: events(history, ventilator, "resend", e => e.taskId === inHand).length,
    deliveredBeforeDone,
  }
}

export default scenario({
  name: "pipeline-kill-mid-task",
  claim: "A task whose worker is killed while working on it is lost in a plain pipeline; a pipeline with acknowledgements and resends completes it.",
  note: "The kill is aimed from the worker's own log line (it took a task), not from a guess of time. A task counts as delivered only when its result reaches the sink, after a worker finished the work.",
  variants,
  figures: history => ({
    plain: figuresOf(ofVariant(history, "plain"), {
      worker: "pipeline-worker-1",
      sibling: "pipeline-worker-2",
      sink: "pipeline-sink",
      ventilator: "pipeline-ventilator",
    }),
    reliable: figuresOf(ofVariant(history, "reliable"), {
      worker: "reliable-pipeline-worker-1",
      sibling: "reliable-pipeline-worker-2",
      sink: "reliable-pipeline-sink",
      ventilator: "reliable-pipeline-ventilator",
    }),
  }),
  checks: f => [
    ["plain: killed while working on its task", f.plain.killedWhileWorking, isTrue],
    ["plain: that task is among the lost", f.plain.taskInHand !== null && f.plain.lostIds.includes(f.plain.taskInHand), isTrue],
    ["plain: lost ids (named by the sink, recounted)", [asRanges(f.plain.namedBySink), asRanges(f.plain.lostIds)], agree],
    ["plain: that task delivered", f.plain.deliveredTimes, equals(0)],
    ["reliable: killed while working on its task", f.reliable.killedWhileWorking, isTrue],
    ["reliable: that task sent again", f.reliable.resent, atLeast(1)],
    ["reliable: that task done by the other worker", f.reliable.doneBySibling, atLeast(1)],
    ["reliable: that task delivered, once", f.reliable.deliveredTimes, equals(1)],
    ["reliable: tasks lost", f.reliable.lost, equals(0)],
    ["reliable: acknowledged but lost", f.reliable.acknowledgedButLost, equals(0)],
    ["delivered before a worker had done the work (plain, reliable)", [...f.plain.deliveredBeforeDone, ...f.reliable.deliveredBeforeDone].length, equals(0)],
  ],
})
