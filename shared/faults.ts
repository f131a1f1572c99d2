// Network faults, the way Pumba applies them: a short-lived helper container
// joins the target's network namespace with NET_ADMIN and changes its rules
// (iptables for loss, blackhole and reset; tc for bandwidth and, where the
// kernel has netem, delay, jitter, duplicate and corrupt). The lab's services
// never get a capability of their own. Every rule carries the comment
// `zmq-lab-fault`, so heal removes exactly the lab's rules, and is safe to run
// on a target that has none (a restarted container has a new namespace, and
// no rules). The scripts are pure functions of the fault, tested without
// Docker; harness/faults.ts (scenarios, make fault) and the observer (its
// buttons) run them.

export const FAULT_KINDS = ["loss", "blackhole", "reset", "bandwidth", "delay", "jitter", "duplicate", "corrupt"] as const
export type FaultKind = (typeof FAULT_KINDS)[number]
/** The kinds made with the netem queueing discipline: only where the kernel has the sch_netem module. */
export const NETEM_KINDS: ReadonlySet<FaultKind> = new Set(["delay", "jitter", "duplicate", "corrupt"])
export type Direction = "in" | "out" | "both"

export interface Fault {
  kind: FaultKind
  /** loss, duplicate, corrupt: percent of packets. */
  pct?: number
  /** loss, blackhole: which way (default both). */
  direction?: Direction
  /** blackhole, loss, reset: only this TCP port (as source or destination); reset needs it. */
  port?: number
  /** bandwidth: a tc rate ("1mbit", "200kbit"). */
  rate?: string
  /** delay, jitter: milliseconds (jitter: the delay is `ms`, the variation `jitterMs`). */
  ms?: number
  jitterMs?: number
}

export const HELPER_IMAGE = "zmq-lab/netfault:bookworm"
/** Every helper container carries it: `make down` removes any left behind by an interrupted command. */
export const HELPER_LABEL = "zmq-lab.fault-helper"
const TAG = "zmq-lab-fault"
export const MISSING_NETEM =
  "this kernel has no sch_netem module (the netem queueing discipline): delay, jitter, duplicate and corrupt cannot be made on this machine"

export class FaultError extends Error {}

/** Checks what a person typed (make fault ...): a fault, or an error naming what is wrong. */
export function parseFault(input: { kind?: string; pct?: string; dir?: string; port?: string; rate?: string; ms?: string; jitter?: string }): Fault {
  const kind = input.kind as FaultKind
  if (!FAULT_KINDS.includes(kind)) throw new FaultError(`KIND=${input.kind ?? ""}: one of ${FAULT_KINDS.join(", ")}`)
  const number = (name: string, raw: string | undefined, min: number, max: number) => {
    if (raw === undefined || raw === "") return undefined
    const value = Number(raw)
    if (!Number.isFinite(value) || value < min || value > max) throw new FaultError(`${name}=${raw}: a number from ${min} to ${max}`)
    return value
  }
  const fault: Fault = { kind }
  const pct = number("PCT", input.pct, 0.1, 100)
  const port = number("PORT", input.port, 1, 65_535)
  const ms = number("MS", input.ms, 1, 60_000)
  const jitterMs = number("JITTER", input.jitter, 1, 60_000)
  if (pct !== undefined) fault.pct = pct
  if (port !== undefined) fault.port = Math.round(port)
  if (ms !== undefined) fault.ms = Math.round(ms)
  if (jitterMs !== undefined) fault.jitterMs = Math.round(jitterMs)
  if (input.dir) {
    if (!["in", "out", "both"].includes(input.dir)) throw new FaultError(`DIR=${input.dir}: in, out or both`)
    fault.direction = input.dir as Direction
  }
  if (input.rate) {
    if (!/^\d+(\.\d+)?(bit|kbit|mbit|gbit)$/.test(input.rate)) throw new FaultError(`RATE=${input.rate}: a rate such as 1mbit or 200kbit`)
    fault.rate = input.rate
  }
  if ((kind === "loss" || kind === "duplicate" || kind === "corrupt") && fault.pct === undefined)
    throw new FaultError(`KIND=${kind} needs PCT (percent of packets)`)
  if (kind === "reset" && fault.port === undefined) throw new FaultError("KIND=reset needs PORT (the TCP port whose connections are reset)")
  if (kind === "bandwidth" && !fault.rate) throw new FaultError("KIND=bandwidth needs RATE (such as 1mbit)")
  if ((kind === "delay" || kind === "jitter") && fault.ms === undefined) throw new FaultError(`KIND=${kind} needs MS (milliseconds)`)
  return fault
}

/** A short description for logs and reports: "loss 30% in+out", "reset :5556". */
export function describeFault(f: Fault): string {
  const port = f.port ? ` :${f.port}` : ""
  const dir = f.direction && f.direction !== "both" ? ` ${f.direction}` : ""
  switch (f.kind) {
    case "loss":
      return `loss ${f.pct}%${dir}${port}`
    case "blackhole":
      return `blackhole${dir}${port}`
    case "reset":
      return `reset${port}`
    case "bandwidth":
      return `bandwidth ${f.rate}`
    case "delay":
      return `delay ${f.ms} ms`
    case "jitter":
      return `delay ${f.ms} ms ± ${f.jitterMs ?? Math.round((f.ms ?? 0) / 2)} ms`
    default:
      return `${f.kind} ${f.pct}%`
  }
}

/** The iptables rules of a fault: INPUT for what arrives, OUTPUT for what leaves; never the loopback (Docker's DNS lives there). */
function rules(f: Fault, target: string): string[] {
  const ports = f.port ? `-p tcp -m multiport --ports ${f.port} ` : ""
  const chains = f.direction === "in" ? ["INPUT"] : f.direction === "out" ? ["OUTPUT"] : ["INPUT", "OUTPUT"]
  return chains.map(chain => `iptables -A ${chain} ${chain === "INPUT" ? "! -i lo" : "! -o lo"} ${ports}-m comment --comment ${TAG} ${target}`)
}

/** Pure: the shell script that makes the fault inside the target's namespace. */
export function faultScript(f: Fault): string {
  switch (f.kind) {
    case "loss":
      return rules(f, `-m statistic --mode random --probability ${((f.pct ?? 0) / 100).toFixed(4)} -j DROP`).join(" && ")
    case "blackhole":
      // DROP, not REJECT: no RST, no ICMP; both ends believe the connection is up (half-open).
      return rules(f, "-j DROP").join(" && ")
    case "reset":
      // Both ways: the peer's packets are answered with a reset, and so are this side's own.
      return rules({ ...f, direction: "both" }, "-j REJECT --reject-with tcp-reset").join(" && ")
    case "bandwidth":
      return `tc qdisc replace dev eth0 root tbf rate ${f.rate} burst 32kbit latency 400ms`
    case "delay":
      return `tc qdisc replace dev eth0 root netem delay ${f.ms}ms`
    case "jitter":
      return `tc qdisc replace dev eth0 root netem delay ${f.ms}ms ${f.jitterMs ?? Math.round((f.ms ?? 0) / 2)}ms`
    case "duplicate":
      return `tc qdisc replace dev eth0 root netem duplicate ${f.pct}%`
    case "corrupt":
      return `tc qdisc replace dev eth0 root netem corrupt ${f.pct}%`
  }
}

/** Removes the lab's rules and queueing discipline, and only those; fine where there are none. */
export const HEAL_SCRIPT = [
  `for chain in INPUT OUTPUT; do iptables -S $chain | grep -- '--comment ${TAG}' | sed 's/^-A/-D/' | while read -r rule; do eval iptables $rule; done; done`,
  `tc qdisc show dev eth0 | grep -qE '^qdisc (tbf|netem) ' && tc qdisc del dev eth0 root || true`,
].join("; ")

/** Prints the lab's active rules and queueing discipline, one per line. */
export const LIST_SCRIPT = `iptables -S | grep -- '--comment ${TAG}' || true; tc qdisc show dev eth0 | grep -E '^qdisc (tbf|netem) ' || true`

/** Pure: what `tc` or `iptables` said, in words, when a fault could not be made. */
export function explainFailure(f: Fault, stderr: string): string {
  if (NETEM_KINDS.has(f.kind) && /unknown|No such file|not supported/i.test(stderr)) return `${describeFault(f)}: ${MISSING_NETEM}`
  return `${describeFault(f)} could not be made: ${stderr.trim().split("\n").slice(-3).join(" / ")}`
}
