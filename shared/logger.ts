// Logging: winston, one JSON object per line on stdout (the contract the tests
// and scenarios read), or colored human lines with LOG_FORMAT=pretty.
// Every line has timestamp, level, service, pattern, pid, instance, event and message.
import winston from "winston"
import type { EventName, FieldsOf } from "./log-events.js"
import { formatRecord } from "./pretty.js"

export type LogFormat = "json" | "pretty"
export type Fields = Record<string, unknown>

/** A log call names an event of the contract (shared/log-events.ts) and gives that event's fields. */
export type LogCall = <E extends EventName>(event: E, message: string, ...fields: FieldsOf<E>) => void

export interface EventLog {
  info: LogCall
  warn: LogCall
  error: LogCall
  debug: LogCall
}

const pretty = winston.format.printf(info => formatRecord(info))

export function createLog(service: string, pattern: string, format: LogFormat, level = "info", instance?: string): EventLog {
  const logger = winston.createLogger({
    level,
    // pid: tells apart the worker processes of one container (the book's clusters);
    // instance: tells apart the starts of one service (the accounting's incarnation).
    defaultMeta: { service, pattern, pid: process.pid, ...(instance ? { instance } : {}) },
    format:
      format === "json"
        ? winston.format.combine(winston.format.timestamp(), winston.format.json())
        : winston.format.combine(winston.format.timestamp(), pretty),
    transports: [new winston.transports.Console()],
  })
  const write =
    (level: string): LogCall =>
    (event, message, ...[fields]) => {
      // Winston formats every line before its transport drops those below the
      // level: a debug line per message would cost its formatting even unseen.
      if (logger.isLevelEnabled(level)) logger.log({ ...fields, level, event, message })
    }
  return { info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug") }
}
