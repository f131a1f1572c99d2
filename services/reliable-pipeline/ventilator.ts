// Reliable pipeline, the ventilator: like the plain one, but it keeps every
// task until the sink acknowledges its result (over a back channel: the sink's
// PUSH to this PULL), and sends again any task not acknowledged within
// RELIABLE_PIPELINE_ACK_TIMEOUT_MS: a task lost with a killed or paused worker is sent to
// another. Its ledger is journaled, so a killed ventilator resends, after its
// restart, what was never acknowledged. Task ids are the ledger's, not the
// envelope's seq: they survive restarts, and so the "tasks" stream's
// incarnation is the journal's epoch, not the process's.
import { Pull, Push } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, newIncarnation } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { pastDeadline, randomBetween, ticks } from "../../shared/pace.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, isClosedError, socketOptions } from "../../shared/sockets.js"
import { TASKS, type TaskBody } from "../pipeline/task.js"
import { Ledger, type LedgerEntry } from "./ledger.js"

const service = startService(
  "reliable-pipeline",
  pick(
    "RELIABLE_PIPELINE_VENTILATOR_BIND",
    "RELIABLE_PIPELINE_ACKS_BIND",
    "RELIABLE_PIPELINE_RATE",
    "RELIABLE_PIPELINE_WORK_MS_MIN",
    "RELIABLE_PIPELINE_WORK_MS_MAX",
    "RELIABLE_PIPELINE_ACK_TIMEOUT_MS",
    "RELIABLE_PIPELINE_JOURNAL",
    "RELIABLE_PIPELINE_TASKS",
  ),
)
const { config, log } = service

const journal = new Journal<LedgerEntry | { epoch: string }>(config.RELIABLE_PIPELINE_JOURNAL)
const entries = journal.entries()
// The task ids' lifetime: made once, with the journal.
function beginEpoch(): string {
  const epoch = newIncarnation()
  journal.append({ epoch })
  return epoch
}
const epoch = entries.find((e): e is { epoch: string } => "epoch" in e)?.epoch ?? beginEpoch()
const ledger = Ledger.replay(
  entries.filter((e): e is LedgerEntry => !("epoch" in e)),
  Date.now(),
)
// Each task should reach one worker and its result the sink; the sink's acknowledgement is what lets it go.
service.declare(TASKS, "load-balanced", { incarnation: epoch, acknowledged: true })
const producer = service.producer("task-sends")
const inbox = new Inbox(service)
let resends = 0
log.info("ledger", `${ledger.acked} task(s) acknowledged before, ${ledger.pending} to send again, next id ${ledger.nextId}`, {
  acked: ledger.acked,
  pending: ledger.pending,
  nextId: ledger.nextId,
  epoch,
})

const tasks = await bindSocket(service, new Push(socketOptions(config, "send")), config.RELIABLE_PIPELINE_VENTILATOR_BIND, "push")
const acks = await bindSocket(service, new Pull(socketOptions(config, "receive")), config.RELIABLE_PIPELINE_ACKS_BIND, "acks")
service.reportStats(() => ({
  sent: producer.lastSeq,
  nextId: ledger.nextId,
  acked: ledger.acked,
  pending: ledger.pending,
  resends,
  badMessages: inbox.badMessages,
}))

void eachMessage(service, acks, frames => {
  const decoded = inbox.open(frames, { frames: 1 })
  if (!decoded.ok) return
  const ids = (decoded.envelope.body as { acks?: unknown }).acks
  if (!Array.isArray(ids) || !ids.every(Number.isSafeInteger))
    return inbox.reject("bad-body", "an ack body must be {acks: [task ids]}", { producer: decoded.envelope.producer })
  for (const taskId of ids as number[]) {
    if (!ledger.ack(taskId)) continue
    journal.append({ acked: taskId })
    // Always logged: the accounting counts acknowledged tasks from these lines.
    log.info("acked", `task ${taskId} acknowledged`, { stream: TASKS, incarnation: epoch, seq: taskId, taskId })
  }
})

async function send(taskId: number, workMs: number, attempt: number): Promise<void> {
  const envelope = producer.next<TaskBody>({ taskId, workMs, epoch })
  await tasks.send(encodeEnvelope(envelope))
  service.message("sent", `task ${taskId}${attempt > 1 ? ` (attempt ${attempt})` : ""}`, {
    stream: TASKS,
    incarnation: epoch,
    seq: taskId,
    taskId,
    attempt: attempt - 1,
  })
}

let announcedDone = false
try {
  // Resending goes on past PRODUCE_UNTIL: only new tasks stop there.
  for await (const _ of ticks(service, config.RELIABLE_PIPELINE_RATE, { untilDeadline: false })) {
    // First what is overdue, then one new task.
    for (const task of ledger.due(Date.now(), config.RELIABLE_PIPELINE_ACK_TIMEOUT_MS)) {
      ledger.sent(task.taskId, task.workMs, Date.now())
      resends += 1
      log.warn("resend", `task ${task.taskId} not acknowledged: sending it again (attempt ${task.attempts})`, { taskId: task.taskId, attempt: task.attempts })
      await send(task.taskId, task.workMs, task.attempts)
    }
    const taskId = ledger.nextId
    if ((config.RELIABLE_PIPELINE_TASKS > 0 && taskId > config.RELIABLE_PIPELINE_TASKS) || pastDeadline(service)) {
      if (ledger.pending === 0 && !announcedDone) {
        announcedDone = true
        log.info("done", `all ${ledger.nextId - 1} tasks made and acknowledged`, { made: ledger.nextId - 1, acked: ledger.acked })
      }
      continue
    }
    const work = randomBetween(config.RELIABLE_PIPELINE_WORK_MS_MIN, config.RELIABLE_PIPELINE_WORK_MS_MAX)
    journal.append({ sent: taskId, workMs: work })
    ledger.sent(taskId, work, Date.now())
    await send(taskId, work, 1)
  }
} catch (error) {
  if (!isClosedError(tasks, error)) throw error
}
