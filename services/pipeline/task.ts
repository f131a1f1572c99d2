// The pipeline's message bodies: the ventilator's task and the worker's result.
// The result names the task it answers as a number of the ventilator's "tasks"
// stream (producer, incarnation, seq), so the sink can judge that stream even
// though results come back through several workers, out of order.
import type { Envelope } from "../../shared/envelope.js"

export const TASKS = "tasks"

export interface TaskBody {
  taskId: number
  workMs: number
  /**
   * The numbering's lifetime when task ids outlive the ventilator's process
   * (the reliable ventilator journals them); absent: the envelope's incarnation.
   */
  epoch?: string
  /** PIPELINE_PAYLOAD_BYTES of padding (the bench's message sizes). */
  padding?: string
}

export interface TaskRef {
  producer: string
  incarnation: string
  stream: string
  seq: number
  /** When the ventilator sent the task (epoch ms). */
  sentAt: number
}

export interface ResultBody {
  taskId: number
  task: TaskRef
  workMs: number
}

/** Pure: the task a message carries, as a number of the ventilator's stream. */
export const taskRefOf = (task: Envelope<TaskBody>): TaskRef => ({
  producer: task.producer,
  incarnation: task.body.epoch ?? task.incarnation,
  stream: TASKS,
  seq: task.body.taskId,
  sentAt: task.sentAt,
})

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

export function isTaskBody(body: unknown): body is TaskBody {
  return (
    isRecord(body) &&
    Number.isSafeInteger(body.taskId) &&
    (body.taskId as number) >= 1 &&
    Number.isFinite(body.workMs) &&
    (body.workMs as number) >= 0 &&
    (body.epoch === undefined || typeof body.epoch === "string")
  )
}

export function isResultBody(body: unknown): body is ResultBody {
  if (!isRecord(body) || !Number.isSafeInteger(body.taskId) || !isRecord(body.task)) return false
  const { producer, incarnation, stream, seq, sentAt } = body.task
  return (
    typeof producer === "string" &&
    typeof incarnation === "string" &&
    typeof stream === "string" &&
    Number.isSafeInteger(seq) &&
    (seq as number) >= 1 &&
    Number.isFinite(sentAt)
  )
}
