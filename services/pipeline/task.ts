// The pipeline's message bodies: the ventilator's task and the worker's result.
// The result names the task it answers by the ventilator's own envelope
// (producer, incarnation, seq), so the sink can track task ids per ventilator
// run even though results come back through several workers, out of order.

export interface TaskBody {
  taskId: number
  workMs: number
}

export interface TaskRef {
  producer: string
  incarnation: string
  seq: number
}

export interface ResultBody {
  taskId: number
  task: TaskRef
  workMs: number
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

export function isTaskBody(body: unknown): body is TaskBody {
  return isRecord(body) && Number.isSafeInteger(body.taskId) && Number.isFinite(body.workMs) && (body.workMs as number) >= 0
}

export function isResultBody(body: unknown): body is ResultBody {
  if (!isRecord(body) || !Number.isSafeInteger(body.taskId) || !isRecord(body.task)) return false
  const { producer, incarnation, seq } = body.task
  return typeof producer === "string" && typeof incarnation === "string" && Number.isSafeInteger(seq) && (seq as number) >= 1
}
