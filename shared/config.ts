// Configuration from the environment. Every endpoint, rate, high-water mark,
// interval and timeout a service uses is declared here once with its type and
// default, so an invalid value stops the service at start with one line that
// names the variable, the value and what was expected.
import { existsSync } from "node:fs"
import { hostname } from "node:os"
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
  return setting("a ZeroMQ endpoint such as tcp://host:5556, tcp://*:5556, udp://host:5600 or ipc:///tmp/x", fallback, raw => {
    const tcp = /^(?:tcp|udp):\/\/([A-Za-z0-9_.\-*]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(raw)
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

// --- the settings ------------------------------------------------------------------
// Every setting of every service, with its type, its bounds and its default:
// the one place a default lives. A service picks the ones it reads (`pick`);
// `make config` and the check `make up` makes first read them all.

export const SETTINGS = {
  // common to every service
  SERVICE_NAME: text(hostname()),
  /**
   * This process start's id, on every log line and in every stream it numbers:
   * "random" draws a new one at each start. Swarm sets the task's id (a task
   * runs one process start: a task that ends is replaced by a new task).
   */
  INCARNATION: text("random", { pattern: /^[A-Za-z0-9_.-]{1,64}$/, describe: "up to 64 letters, digits, '_', '.', '-'" }),
  LOG_FORMAT: oneOf(["json", "pretty"] as const, "json"),
  LOG_LEVEL: oneOf(["error", "warn", "info", "debug"] as const, "info"),
  LOG_MESSAGES: boolean(true),
  STATS_INTERVAL_MS: integer(5000, { min: 100, max: 3_600_000 }),
  /** Profile the process's CPU for this long once, CPU_PROFILE_DELAY_MS after its start, and log where it went (`cpu-profile`; 0: never). */
  CPU_PROFILE_MS: integer(0, { min: 0, max: 600_000 }),
  CPU_PROFILE_DELAY_MS: integer(3000, { min: 0, max: 3_600_000 }),
  SHUTDOWN_LINGER_MS: integer(500, { min: 0, max: 1500 }),
  MAX_MESSAGE_BYTES: integer(1_048_576, { min: 64, max: 268_435_456 }),
  /** A TCP connect attempt gives up after this long and is retried (0: the kernel's timeout, ~1 s for a peer not yet reachable). */
  CONNECT_TIMEOUT_MS: integer(150, { min: 0, max: 600_000 }),
  RECONNECT_IVL_MS: integer(100, { min: 1, max: 600_000 }),
  RECONNECT_IVL_MAX_MS: integer(0, { min: 0, max: 600_000 }),
  HEARTBEAT_INTERVAL_MS: integer(0, { min: 0, max: 600_000 }),
  HEARTBEAT_TIMEOUT_MS: integer(0, { min: 0, max: 600_000 }),
  HEARTBEAT_TTL_MS: integer(0, { min: 0, max: 6_553_500 }),
  SEND_HWM: integer(1000, { min: 0, max: 10_000_000 }),
  RECEIVE_HWM: integer(1000, { min: 0, max: 10_000_000 }),
  /** ZMQ_TCP_MAXRT: a connection whose sent data stays unacknowledged this long is dropped (0: the kernel's, ~15 min). */
  TCP_MAXRT_MS: integer(0, { min: 0, max: 3_600_000 }),
  /** ZMQ_HANDSHAKE_IVL: a peer that has not completed its ZMTP handshake after this long is dropped (libzmq's own default: 30 s; 0: never). */
  HANDSHAKE_IVL_MS: integer(5000, { min: 0, max: 600_000 }),
  /** ZMQ_IMMEDIATE: queue messages only to completed connections. */
  IMMEDIATE: boolean(false),
  /** ZMQ_MAXMSGSIZE: a peer sending a larger frame is disconnected by ZeroMQ itself (0: MAX_MESSAGE_BYTES + 64 KiB; -1: no limit). */
  SOCKET_MAX_MESSAGE_BYTES: integer(0, { min: -1, max: 268_435_456 }),
  /** ZMQ_XPUB_NODROP: a publisher at a subscriber's high-water mark waits instead of dropping. */
  XPUB_NODROP: boolean(false),
  /** ZMQ_ROUTER_MANDATORY: a reply to a peer that is gone fails (and is counted) instead of vanishing. */
  ROUTER_MANDATORY: boolean(true),
  /** ZMQ_ROUTER_HANDOVER: a new peer with an identity in use takes it over. */
  ROUTER_HANDOVER: boolean(false),
  /** A mandatory ROUTER's send to a peer that just left can wait for good (libzmq #2348): after this long it fails, and is counted (-1: wait). */
  ROUTER_SEND_TIMEOUT_MS: integer(500, { min: -1, max: 600_000 }),
  /** ZMQ_REQ_RELAXED / ZMQ_REQ_CORRELATE: a REQ may send again without its reply, and ignores replies to older requests. */
  REQ_RELAXED: boolean(false),
  REQ_CORRELATE: boolean(false),
  /** none: plain ZMTP (the lab as the Guide starts it); curve: every TCP socket encrypted and authenticated (CURVE), clients checked by a ZAP handler. */
  SECURITY: oneOf(["none", "curve"] as const, "none"),
  /** Where the key files are: Compose's secrets (`<name>.secret`, `<name>.pub`, Z85 text). */
  CURVE_KEYS_DIR: text("/run/secrets", { pattern: /^\/\S*$/, describe: "an absolute path" }),
  /** The server key pair's name: a bound socket uses its secret key, a connecting one trusts its public key. */
  CURVE_SERVER_KEY: text("server", { pattern: /^[a-z0-9][a-z0-9-]*$/, describe: "a key name (lower-case letters, digits, -)" }),
  /** The key pair a connecting socket shows the server. */
  CURVE_CLIENT_KEY: text("client", { pattern: /^[a-z0-9][a-z0-9-]*$/, describe: "a key name (lower-case letters, digits, -)" }),
  /** The allow-list a server's ZAP handler reads: one Z85 public key per *.pub file, read again at every handshake. */
  CURVE_ALLOWED_DIR: text("/keys/allowed", { pattern: /^\/\S*$/, describe: "an absolute path" }),
  /** A producer makes no new messages from this time on (epoch ms; 0: never): runs compared side by side end together. */
  PRODUCE_UNTIL: integer(0, { min: 0 }),
  // PUB/SUB
  PUBSUB_BIND: endpoint("tcp://*:5556"),
  PUBSUB_TOPIC: text("ticks"),
  PUBSUB_RATE: decimal(10, { min: 0.01, max: 1_000_000 }),
  /** Padding per message; a list cycles (1,1024,1048576: every size in turn). */
  PUBSUB_PAYLOAD_BYTES: integers([0], { min: 0, max: 16_777_216 }),
  /** Wait this long after binding before the first message (subscribers can join first). */
  PUBSUB_START_DELAY_MS: integer(0, { min: 0, max: 3_600_000 }),
  /** One publisher or several, comma-separated: SUB fair-queues between them. */
  PUBSUB_CONNECT: endpoints(["tcp://pubsub-publisher:5556"]),
  /** RADIO/DISH over UDP (zeromq's draft sockets): the dish binds, the radio sends to it. */
  PUBSUB_UDP_BIND: endpoint("udp://*:5600"),
  PUBSUB_UDP_CONNECT: endpoint("udp://pubsub-dish:5600"),
  /**
   * A guard owns PUBSUB_UDP_BIND's port and passes on to the dish (bound to
   * PUBSUB_UDP_INNER_BIND) only datagrams libzmq can take: one datagram whose
   * first byte is 0x80 or more aborts a DISH (shared/udp-guard.ts). Off: the
   * dish binds PUBSUB_UDP_BIND itself, as a plain ZeroMQ program does.
   */
  PUBSUB_UDP_GUARD: boolean(true),
  PUBSUB_UDP_INNER_BIND: endpoint("udp://127.0.0.1:5601"),
  /** Time spent on each message: more than the publisher's interval makes a slow subscriber. */
  PUBSUB_PROCESS_MS: integer(0, { min: 0, max: 600_000 }),
  /**
   * The Suicidal Snail (0: off): a message older than this on arrival means the
   * subscriber has fallen behind; it says so and exits (code 3) instead of
   * falling further behind until the publisher drops messages for it unseen.
   */
  PUBSUB_MAX_LAG_MS: integer(0, { min: 0, max: 3_600_000 }),
  // PUSH/PULL pipeline
  PIPELINE_SINK_BIND: endpoint("tcp://*:5558"),
  PIPELINE_LOSS_GRACE_MS: integer(3000, { min: 0, max: 600_000 }),
  PIPELINE_VENTILATOR_BIND: endpoint("tcp://*:5557"),
  PIPELINE_RATE: decimal(5, { min: 0.01, max: 1_000_000 }),
  PIPELINE_WORK_MS_MIN: integer(50, { min: 0, max: 600_000 }),
  PIPELINE_WORK_MS_MAX: integer(150, { min: 0, max: 600_000 }),
  /** Padding added to each task (the bench's message sizes). */
  PIPELINE_PAYLOAD_BYTES: integer(0, { min: 0, max: 16_777_216 }),
  /** 0: push forever. */
  PIPELINE_TASKS: integer(0, { min: 0 }),
  /** Wait for this many workers' `ready` before the first task (0: do not wait). */
  PIPELINE_WAIT_FOR_WORKERS: integer(0, { min: 0, max: 10_000 }),
  PIPELINE_READY_BIND: endpoint("tcp://*:5562"),
  /** Wait this long before the first task (lets workers connect, for comparison). */
  PIPELINE_START_DELAY_MS: integer(0, { min: 0, max: 3_600_000 }),
  /** One ventilator or several, comma-separated: PULL fair-queues between them. */
  PIPELINE_VENTILATOR_CONNECT: endpoints(["tcp://pipeline-ventilator:5557"]),
  PIPELINE_SINK_CONNECT: endpoint("tcp://pipeline-sink:5558"),
  /** Say `ready` to the ventilator once connected (for PIPELINE_WAIT_FOR_WORKERS). */
  PIPELINE_SEND_READY: boolean(false),
  PIPELINE_READY_CONNECT: endpoint("tcp://pipeline-ventilator:5562"),
  // REQ/REP
  REQREP_BIND: endpoint("tcp://*:5559"),
  REQREP_WORK_MS: integer(20, { min: 0, max: 600_000 }),
  REQREP_CONNECT: endpoint("tcp://reqrep-server:5559"),
  /** 0: the next request as soon as the reply is in (the bench's). */
  REQREP_INTERVAL_MS: integer(500, { min: 0, max: 3_600_000 }),
  /** 0: no timeout at all (the naive client). */
  REQREP_TIMEOUT_MS: integer(2000, { min: 0, max: 3_600_000 }),
  /** Once, at start: try a second send before the first reply, to show REQ refusing it. */
  REQREP_SHOW_LOCKSTEP: boolean(false),
  /** Stop after this many requests (0: never; PRODUCE_UNTIL also stops it). */
  REQREP_REQUESTS: integer(0, { min: 0 }),
  /** The body of every request (default: {"question": "request <n>"}); {"path": "greeting.txt"} asks the book's filer. */
  REQREP_BODY: jsonObject(null),
  /** Padding added to each request's body; the server's reply echoes it (the bench's message sizes). */
  REQREP_PAYLOAD_BYTES: integer(0, { min: 0, max: 16_777_216 }),
  // Lazy Pirate
  LAZY_PIRATE_BIND: endpoint("tcp://*:5569"),
  LAZY_PIRATE_WORK_MS: integer(20, { min: 0, max: 600_000 }),
  LAZY_PIRATE_HANDLED_DIR: text("/state/handled", { pattern: /^\/\S+$/, describe: "an absolute directory path" }),
  LAZY_PIRATE_CONNECT: endpoint("tcp://lazy-pirate-server:5569"),
  LAZY_PIRATE_INTERVAL_MS: integer(500, { min: 1, max: 3_600_000 }),
  LAZY_PIRATE_TIMEOUT_MS: integer(1000, { min: 1, max: 3_600_000 }),
  /** Resend a timed-out request this many times, then give up. */
  LAZY_PIRATE_RETRIES: integer(10, { min: 0, max: 1000 }),
  /** Before retry n, wait LAZY_PIRATE_RETRY_BACKOFF_MS × 2^(n-1) (0: retry at once). */
  LAZY_PIRATE_RETRY_BACKOFF_MS: integer(100, { min: 0, max: 600_000 }),
  /** Stop after this many requests (0: never; PRODUCE_UNTIL also stops it). */
  LAZY_PIRATE_REQUESTS: integer(0, { min: 0 }),
  /** The body of every request (default: {"question": "request <n>"}). */
  LAZY_PIRATE_BODY: jsonObject(null),
  // ROUTER/DEALER
  ROUTER_DEALER_FRONTEND_BIND: endpoint("tcp://*:5560"),
  ROUTER_DEALER_BACKEND_BIND: endpoint("tcp://*:5561"),
  ROUTER_DEALER_FRONTEND_CONNECT: endpoint("tcp://router-dealer-broker:5560"),
  ROUTER_DEALER_RATE: decimal(5, { min: 0.01, max: 100_000 }),
  ROUTER_DEALER_TIMEOUT_MS: integer(3000, { min: 1, max: 3_600_000 }),
  /** Requests sent together at each tick (10: ten outstanding at once). */
  ROUTER_DEALER_BURST: integer(1, { min: 1, max: 10_000 }),
  /** Send no more while this many requests await their reply (0: no limit): flow control by the client. */
  ROUTER_DEALER_MAX_PENDING: integer(0, { min: 0, max: 1_000_000 }),
  /** Padding added to each request's body; the worker's answer echoes it (the bench's message sizes). */
  ROUTER_DEALER_PAYLOAD_BYTES: integer(0, { min: 0, max: 16_777_216 }),
  /** The client's routing identity (empty: the one the broker's ROUTER makes up); two clients with the same one meet ROUTER_HANDOVER. */
  ROUTER_DEALER_CLIENT_IDENTITY: text("", { pattern: /^[\x21-\x7e]{0,255}$/, describe: "up to 255 printable characters" }),
  /** Stop sending after this many requests (0: never; PRODUCE_UNTIL also stops it); the client stays up, idle. */
  ROUTER_DEALER_REQUESTS: integer(0, { min: 0 }),
  ROUTER_DEALER_BACKEND_CONNECT: endpoint("tcp://router-dealer-broker:5561"),
  ROUTER_DEALER_WORK_MS_MIN: integer(50, { min: 0, max: 600_000 }),
  ROUTER_DEALER_WORK_MS_MAX: integer(400, { min: 0, max: 600_000 }),
  // Node.js the Right Way, chapter 4
  BOOK_CLUSTER_BIND: endpoint("tcp://*:5565"),
  BOOK_CLUSTER_BACKEND: endpoint("ipc:///tmp/filer-cluster-backend.ipc"),
  BOOK_CLUSTER_WORKERS: integer(3, { min: 1, max: 64 }),
  BOOK_CLUSTER_WORK_MS: integer(0, { min: 0, max: 600_000 }),
  BOOK_FILES: text("/app/book-files", { pattern: /^\/\S*$/, describe: "an absolute folder path" }),
  BOOK_FILER_BIND: endpoint("tcp://*:5564"),
  BOOK_FILER_CONNECT: endpoint("tcp://book-filer-rep:5564"),
  BOOK_REQ_TIMEOUT_MS: integer(5000, { min: 1, max: 600_000 }),
  BOOK_REQ_FILE: text("target.txt"),
  BOOK_PUSH_JOBS_ENDPOINT: endpoint("ipc:///tmp/push-cluster-jobs.ipc"),
  BOOK_PUSH_RESULTS_ENDPOINT: endpoint("ipc:///tmp/push-cluster-results.ipc"),
  BOOK_PUSH_WORKERS: integer(3, { min: 1, max: 64 }),
  BOOK_PUSH_JOBS: integer(30, { min: 1, max: 1_000_000 }),
  BOOK_PUSH_WAIT_FOR_READY: boolean(true),
  BOOK_PUSH_JOB_MS: integer(100, { min: 0, max: 600_000 }),
  BOOK_PUSH_CONCURRENCY: integer(1, { min: 1, max: 1000 }),
  BOOK_WATCHER_BIND: endpoint("tcp://*:5563"),
  BOOK_WATCH_FILE: text("/app/book-files/target.txt", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
  BOOK_WATCH_DEBOUNCE_MS: integer(100, { min: 0, max: 60_000 }),
  BOOK_WATCHER_CONNECT: endpoint("tcp://book-watcher-pub:5563"),
  // reliable pipeline
  RELIABLE_PIPELINE_SINK_BIND: endpoint("tcp://*:5572"),
  RELIABLE_PIPELINE_ACKS_CONNECT: endpoint("tcp://reliable-pipeline-ventilator:5571"),
  RELIABLE_PIPELINE_SINK_JOURNAL: text("/state/sink.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
  RELIABLE_PIPELINE_LOSS_GRACE_MS: integer(10_000, { min: 0, max: 600_000 }),
  RELIABLE_PIPELINE_VENTILATOR_BIND: endpoint("tcp://*:5570"),
  RELIABLE_PIPELINE_ACKS_BIND: endpoint("tcp://*:5571"),
  RELIABLE_PIPELINE_RATE: decimal(5, { min: 0.01, max: 100_000 }),
  RELIABLE_PIPELINE_WORK_MS_MIN: integer(50, { min: 0, max: 600_000 }),
  RELIABLE_PIPELINE_WORK_MS_MAX: integer(150, { min: 0, max: 600_000 }),
  RELIABLE_PIPELINE_ACK_TIMEOUT_MS: integer(3000, { min: 10, max: 3_600_000 }),
  RELIABLE_PIPELINE_JOURNAL: text("/state/ventilator.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
  /** Stop making new tasks after this many (0: never; PRODUCE_UNTIL also stops it); resending goes on until all are acknowledged. */
  RELIABLE_PIPELINE_TASKS: integer(0, { min: 0 }),
  // Paranoid Pirate
  PARANOID_PIRATE_FRONTEND_BIND: endpoint("tcp://*:5580"),
  PARANOID_PIRATE_BACKEND_BIND: endpoint("tcp://*:5581"),
  PARANOID_PIRATE_HEARTBEAT_MS: integer(500, { min: 10, max: 600_000 }),
  /** Heartbeat intervals without a word before a worker is expired. */
  PARANOID_PIRATE_LIVENESS: integer(3, { min: 1, max: 1000 }),
  /** Requests waiting for a worker; beyond it a request is refused with an error reply. */
  PARANOID_PIRATE_QUEUE_MAX: integer(1000, { min: 1, max: 1_000_000 }),
  PARANOID_PIRATE_BACKEND_CONNECT: endpoint("tcp://paranoid-pirate-queue:5581"),
  PARANOID_PIRATE_RECONNECT_MS: integer(1000, { min: 1, max: 600_000 }),
  PARANOID_PIRATE_RECONNECT_MAX_MS: integer(32_000, { min: 1, max: 3_600_000 }),
  PARANOID_PIRATE_WORK_MS: integer(5, { min: 0, max: 600_000 }),
  PARANOID_PIRATE_DEDUP: boolean(false),
  PARANOID_PIRATE_HANDLED_DIR: text("/state/handled", { pattern: /^\/\S+$/, describe: "an absolute directory path" }),
  // the observer
  /** The observer's port on the host's loopback (http://127.0.0.1:<port>). */
  OBSERVER_PORT: integer(8080, { min: 1, max: 65_535 }),
  // Clone
  CLONE_BIND: endpoint("tcp://*:5590"),
  CLONE_SNAPSHOT_BIND: endpoint("tcp://*:5591"),
  CLONE_TOPIC: text("kv"),
  CLONE_RATE: decimal(10, { min: 0.01, max: 100_000 }),
  /** How many different keys the changes touch. */
  CLONE_KEYS: integer(100, { min: 1, max: 100_000 }),
  /** Stop changing the store after this many changes (0: never; PRODUCE_UNTIL also stops it); heartbeats go on. */
  CLONE_UPDATES: integer(0, { min: 0 }),
  CLONE_HEARTBEAT_MS: integer(1000, { min: 10, max: 600_000 }),
  CLONE_JOURNAL: text("/state/clone-publisher.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
  CLONE_CONNECT: endpoint("tcp://clone-publisher:5590"),
  CLONE_SNAPSHOT_CONNECT: endpoint("tcp://clone-publisher:5591"),
  CLONE_SNAPSHOTS: boolean(true),
  CLONE_SNAPSHOT_TIMEOUT_MS: integer(2000, { min: 1, max: 600_000 }),
}

export type SettingName = keyof typeof SETTINGS

/** The settings every service reads, whatever its role. */
export const COMMON_SETTINGS = [
  "SERVICE_NAME",
  "INCARNATION",
  "LOG_FORMAT",
  "LOG_LEVEL",
  "LOG_MESSAGES",
  "STATS_INTERVAL_MS",
  "CPU_PROFILE_MS",
  "CPU_PROFILE_DELAY_MS",
  "SHUTDOWN_LINGER_MS",
  "MAX_MESSAGE_BYTES",
  "CONNECT_TIMEOUT_MS",
  "RECONNECT_IVL_MS",
  "RECONNECT_IVL_MAX_MS",
  "HEARTBEAT_INTERVAL_MS",
  "HEARTBEAT_TIMEOUT_MS",
  "HEARTBEAT_TTL_MS",
  "SEND_HWM",
  "RECEIVE_HWM",
  "TCP_MAXRT_MS",
  "IMMEDIATE",
  "HANDSHAKE_IVL_MS",
  "SOCKET_MAX_MESSAGE_BYTES",
  "XPUB_NODROP",
  "ROUTER_MANDATORY",
  "ROUTER_HANDOVER",
  "ROUTER_SEND_TIMEOUT_MS",
  "REQ_RELAXED",
  "REQ_CORRELATE",
  "PRODUCE_UNTIL",
  "SECURITY",
  "CURVE_KEYS_DIR",
  "CURVE_SERVER_KEY",
  "CURVE_CLIENT_KEY",
  "CURVE_ALLOWED_DIR",
] as const satisfies readonly SettingName[]

/** The settings a service reads, from the one schema. */
export function pick<K extends SettingName>(...names: K[]): Pick<typeof SETTINGS, K> {
  return Object.fromEntries(names.map(name => [name, SETTINGS[name]])) as Pick<typeof SETTINGS, K>
}

// --- checking a .env, and showing what applies ------------------------------------------

/** Keys Compose itself reads from .env (not settings of the services). */
export const COMPOSE_KEYS: ReadonlySet<string> = new Set([
  "NODE_IMAGE",
  "LAB_IMAGE",
  "NODE_EXTRA_CA_CERTS",
  "COMPOSE_PROJECT_NAME",
  "COMPOSE_PROFILES",
  "COMPOSE_FILE",
  "LAB_KEYS",
])

/** Pure: the edit distance of two keys (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = here
    }
  }
  return row[b.length]!
}

/** Pure: the setting a misspelled or stale key most likely meant, if one is close. */
export function closestSetting(key: string): SettingName | undefined {
  const names = Object.keys(SETTINGS) as SettingName[]
  const ranked = names.map(name => ({ name, d: distance(key, name) })).sort((a, b) => a.d - b.d)
  const best = ranked[0]
  return best && best.d <= Math.max(2, Math.floor(key.length / 4)) ? best.name : undefined
}

export interface EnvFileCheck {
  unknown: { key: string; suggestion?: SettingName }[]
  invalid: ConfigError[]
}

/** Pure: what is wrong with the settings a .env gives: keys no service reads, values no service accepts. */
export function checkEnvFile(values: Record<string, string>): EnvFileCheck {
  const result: EnvFileCheck = { unknown: [], invalid: [] }
  for (const [key, value] of Object.entries(values)) {
    if (COMPOSE_KEYS.has(key)) continue
    const setting = (SETTINGS as Spec)[key]
    if (!setting) {
      result.unknown.push({ key, suggestion: closestSetting(key) })
      continue
    }
    try {
      setting.parse(key, value)
    } catch (error) {
      if (error instanceof ConfigError) result.invalid.push(error)
      else throw error
    }
  }
  return result
}

export interface SettingRow {
  name: SettingName
  value: string
  from: "default" | ".env"
  /** Services whose own environment (docker-compose.yml) sets it otherwise. */
  overrides: { service: string; value: string }[]
}

const show = (value: unknown): string =>
  value === null || value === undefined ? "(none)" : Array.isArray(value) ? value.join(",") : typeof value === "object" ? JSON.stringify(value) : String(value)

/**
 * Pure: every setting's effective value for the lab and where it comes from
 * (its default, or .env), and the services whose environment in
 * docker-compose.yml sets it otherwise.
 */
export function settingsTable(envFile: Record<string, string>, services: Record<string, Record<string, string>> = {}): SettingRow[] {
  return (Object.keys(SETTINGS) as SettingName[]).map(name => {
    const inFile = envFile[name]
    const value = inFile !== undefined && inFile.trim() !== "" ? inFile : show((SETTINGS as Spec)[name]!.parse(name, undefined))
    const overrides = Object.entries(services)
      .filter(([, env]) => env[name] !== undefined && env[name] !== value)
      .map(([service, env]) => ({ service, value: env[name]! }))
    return {
      name,
      value: name === "SERVICE_NAME" && inFile === undefined ? "(the hostname: the service's name)" : value,
      from: inFile !== undefined && inFile.trim() !== "" ? ".env" : "default",
      overrides,
    }
  })
}
