// The life of every service: read config -> make sockets -> loop -> close on
// signal. This module owns the parts that are the same everywhere: the common
// settings, the logger, the periodic `stats` line, and a shutdown that closes
// sockets with a bounded linger and exits 0 within two seconds.
import { setTimeout as sleep } from "node:timers/promises"
import type { DeliveryPromise } from "./accounting.js"
import { COMMON_SETTINGS, ConfigError, loadEnvFile, parseConfig, pick, type ConfigOf, type Spec } from "./config.js"
import { newIncarnation, Producer } from "./envelope.js"
import { createLog, type EventLog, type Fields, type LogCall } from "./logger.js"
import { profileOnce } from "./profile.js"

export const commonSpec = pick(...COMMON_SETTINGS)

export type CommonConfig = ConfigOf<typeof commonSpec>

/** The whole process must be gone this long after SIGTERM, whatever hangs. */
const EXIT_DEADLINE_MS = 1800

export interface Service<C> {
  readonly name: string
  readonly pattern: string
  /** This process start: on every log line (`instance`), and the incarnation of the streams it numbers. */
  readonly instance: string
  readonly config: C & CommonConfig
  readonly log: EventLog
  /** Aborted when a stop signal arrives: loops end, sleeps wake up. */
  readonly signal: AbortSignal
  readonly stopping: boolean
  /** Runs at shutdown, in registration order (typically: close the sockets); returns a remover. */
  onStop(hook: () => void | Promise<void>): () => void
  /** Fields of the periodic and final `stats` lines. */
  reportStats(fields: () => Fields): void
  /** Logs per-message lines (sent, received, delivered, ...) only when LOG_MESSAGES allows. */
  message: LogCall
  /**
   * A stream this service numbers, with the promise its pattern makes (logged
   * once as `producing`: the run's accounting reads it). Without a promise the
   * numbering is not a data stream (welcomes, signals, replies).
   */
  producer(stream: string, promise?: DeliveryPromise, options?: { incarnation?: string; acknowledged?: boolean }): Producer
  /** Declares a stream numbered elsewhere than in envelopes (a journal's task ids, a store's versions). */
  declare(stream: string, promise: DeliveryPromise, options: { incarnation: string; acknowledged?: boolean }): void
  /** Sleeps, waking early (without throwing) when the service stops. */
  pause(ms: number): Promise<void>
  /** Stops the service as a signal would (used when a loop fails for good); exits with `exitCode`. */
  stop(reason: string, exitCode?: number): Promise<never>
}

/**
 * The pattern a process belongs to: the folder of the program it runs
 * (services/<pattern>/<role>). A role reused by another pattern (the Paranoid
 * Pirate's client is the Lazy Pirate's, the reliable pipeline's worker the
 * plain one's) so logs the pattern it serves in, not the one it came from.
 */
export function patternOf(entry: string | undefined, fallback: string): string {
  return /(?:^|[/\\])services[/\\]([a-z0-9-]+)[/\\][^/\\]+$/.exec(entry ?? "")?.[1] ?? fallback
}

export function startService<S extends Spec>(ownPattern: string, spec: S, env: NodeJS.ProcessEnv = process.env): Service<ConfigOf<S>> {
  const pattern = patternOf(process.argv[1], ownPattern)
  loadEnvFile()
  let config: ConfigOf<S> & CommonConfig
  try {
    config = { ...parseConfig(commonSpec, env), ...parseConfig(spec, env) }
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line, then out: a misconfigured service must not half-start.
      process.stderr.write(`config error: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }

  const instance = config.INCARNATION === "random" ? newIncarnation() : config.INCARNATION
  const log = createLog(config.SERVICE_NAME, pattern, config.LOG_FORMAT, config.LOG_LEVEL, instance)
  const controller = new AbortController()
  const hooks = new Set<() => void | Promise<void>>()
  let statsFields: () => Fields = () => ({})
  let stopping = false

  // With the CPU time used so far: two lines give a service's CPU load between them (the bench reads it so).
  const cpuMs = () => {
    const { user, system } = process.cpuUsage()
    return Math.round((user + system) / 1000)
  }
  const writeStats = () => log.info("stats", "totals", { ...statsFields(), cpuMs: cpuMs() })
  const statsTimer = setInterval(writeStats, config.STATS_INTERVAL_MS)

  async function stop(reason: string, exitCode = 0): Promise<never> {
    if (!stopping) {
      stopping = true
      const deadline = setTimeout(() => {
        log.warn("shutdown", `forced exit: shutdown did not finish within ${EXIT_DEADLINE_MS} ms`, { reason })
        process.exit(0)
      }, EXIT_DEADLINE_MS)
      deadline.unref()
      clearInterval(statsTimer)
      controller.abort()
      for (const hook of hooks) {
        try {
          await hook()
        } catch (error) {
          log.warn("shutdown", `stop hook failed: ${String(error)}`)
        }
      }
      writeStats()
      log.info("shutdown", `stopped (${reason})`, { reason, exitCode })
      process.exit(exitCode)
    }
    return new Promise<never>(() => {})
  }

  for (const name of ["SIGTERM", "SIGINT"] as const) process.on(name, () => void stop(name))
  if (config.CPU_PROFILE_MS > 0) profileOnce(log, config.CPU_PROFILE_DELAY_MS, config.CPU_PROFILE_MS)
  process.on("uncaughtException", error => {
    log.error("crash", `uncaught exception: ${error.stack ?? String(error)}`)
    process.exit(1)
  })

  return {
    name: config.SERVICE_NAME,
    pattern,
    instance,
    config,
    log,
    signal: controller.signal,
    get stopping() {
      return stopping
    },
    onStop(hook) {
      hooks.add(hook)
      return () => void hooks.delete(hook)
    },
    reportStats: fields => void (statsFields = fields),
    message(event, message, ...fields) {
      if (config.LOG_MESSAGES) log.info(event, message, ...fields)
    },
    producer(stream, promise, { incarnation = instance, acknowledged = false } = {}) {
      if (promise) this.declare(stream, promise, { incarnation, acknowledged })
      return new Producer(config.SERVICE_NAME, { stream, incarnation })
    },
    declare(stream, promise, { incarnation, acknowledged = false }) {
      log.info("producing", `numbering stream "${stream}" (${promise}${acknowledged ? ", acknowledged" : ""})`, {
        stream,
        promise,
        incarnation,
        ...(acknowledged ? { acknowledged } : {}),
      })
    },
    // No timer for 0 ms: a timer's shortest sleep is about 1 ms, which would cap a loop with no work at a thousand a second.
    pause: ms => (ms > 0 ? sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined) : Promise.resolve()),
    stop,
  }
}
