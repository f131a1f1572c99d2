// Configuration from the environment. Every endpoint, rate, high-water mark,
// interval and timeout a service uses is declared here once with its type and
// default, so an invalid value stops the service at start with one line that
// names the variable, the value and what was expected.
import { existsSync } from "node:fs"
import { config as loadDotenv } from "dotenv"

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`invalid ${variable}=${JSON.stringify(value)}: expected ${expected}`)
    this.name = "ConfigError"
  }
}

/** A parser turns the raw string (or undefined when unset) into a typed value. */
export interface Setting<T> {
  readonly describe: string
  parse(variable: string, raw: string | undefined): T
}

function setting<T>(describe: string, fallback: T | undefined, parse: (raw: string) => T | undefined): Setting<T> {
  return {
    describe,
    parse(variable, raw) {
      if (raw === undefined || raw.trim() === "") {
        if (fallback === undefined) throw new ConfigError(variable, raw ?? "", `${describe} (required)`)
        return fallback
      }
      const value = parse(raw.trim())
      if (value === undefined) throw new ConfigError(variable, raw, describe)
      return value
    },
  }
}

export function integer(fallback: number | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): Setting<number> {
  return setting(`an integer from ${min} to ${max}`, fallback, raw => {
    if (!/^-?\d+$/.test(raw)) return undefined
    const value = Number(raw)
    return value >= min && value <= max ? value : undefined
  })
}

export function decimal(fallback: number | undefined, { min = 0, max = Number.MAX_VALUE } = {}): Setting<number> {
  return setting(`a number from ${min} to ${max}`, fallback, raw => {
    if (!/^-?(\d+\.?\d*|\.\d+)$/.test(raw)) return undefined
    const value = Number(raw)
    return value >= min && value <= max ? value : undefined
  })
}

export function boolean(fallback: boolean | undefined): Setting<boolean> {
  return setting("true or false", fallback, raw => {
    const lower = raw.toLowerCase()
    if (["true", "1", "yes", "on"].includes(lower)) return true
    if (["false", "0", "no", "off"].includes(lower)) return false
    return undefined
  })
}

export function oneOf<const T extends string>(choices: readonly T[], fallback: T | undefined): Setting<T> {
  return setting(`one of ${choices.join(", ")}`, fallback, raw => choices.find(choice => choice === raw))
}

export function text(fallback: string | undefined, { pattern = /^[^\s]+$/, describe = "a non-empty word without spaces" } = {}): Setting<string> {
  return setting(describe, fallback, raw => (pattern.test(raw) ? raw : undefined))
}

// tcp://host:port, tcp://*:port, ipc:///path, inproc://name: what libzmq accepts,
// checked here so a typo fails at start instead of at bind or connect.
export function endpoint(fallback: string | undefined): Setting<string> {
  return setting("a ZeroMQ endpoint such as tcp://host:5556, tcp://*:5556 or ipc:///tmp/x", fallback, raw => {
    const tcp = /^tcp:\/\/([A-Za-z0-9_.\-*]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(raw)
    if (tcp) return Number(tcp[2]) > 0 && Number(tcp[2]) < 65536 ? raw : undefined
    return /^(ipc|inproc):\/\/.+$/.test(raw) ? raw : undefined
  })
}

/** A comma-separated list of endpoints: a socket may connect to several peers. */
export function endpoints(fallback: string[] | undefined): Setting<string[]> {
  const single = endpoint(undefined)
  return setting("a comma-separated list of ZeroMQ endpoints such as tcp://a:5556,tcp://b:5556", fallback, raw => {
    try {
      return raw.split(",").map(part => single.parse("", part.trim()))
    } catch {
      return undefined
    }
  })
}

/** A comma-separated list of integers, each within the bounds. */
export function integers(fallback: number[] | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): Setting<number[]> {
  const single = integer(undefined, { min, max })
  return setting(`a comma-separated list of integers from ${min} to ${max}`, fallback, raw => {
    try {
      return raw.split(",").map(part => single.parse("", part.trim()))
    } catch {
      return undefined
    }
  })
}

/** A JSON object (or nothing, when unset and the default is null). */
export function jsonObject(fallback: Record<string, unknown> | null): Setting<Record<string, unknown> | null> {
  return {
    describe: "a JSON object",
    parse(variable, raw) {
      if (raw === undefined || raw.trim() === "") return fallback
      try {
        const value: unknown = JSON.parse(raw)
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
      } catch {
        // reported below
      }
      throw new ConfigError(variable, raw, "a JSON object")
    },
  }
}

export type Spec = Record<string, Setting<unknown>>
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never }

/** Pure: reads every variable of the spec from `env`, failing on the first invalid one. */
export function parseConfig<S extends Spec>(spec: S, env: Record<string, string | undefined>): ConfigOf<S> {
  const result: Record<string, unknown> = {}
  for (const [variable, parser] of Object.entries(spec)) result[variable] = parser.parse(variable, env[variable])
  return result as ConfigOf<S>
}

/**
 * Loads `.env` (when present) into process.env without overriding what the
 * environment already says: Compose and the tests set variables explicitly.
 */
export function loadEnvFile(path = ".env"): void {
  if (existsSync(path)) loadDotenv({ path, quiet: true })
}
