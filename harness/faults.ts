// Runs the network faults of shared/faults.ts from this host: `docker run` of
// the helper image in the target's namespace (the image built here the first
// time). For `make fault`, `make heal`, `make faults` and the scenarios.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { explainFailure, FaultError, faultScript, HEAL_SCRIPT, HELPER_IMAGE, HELPER_LABEL, LIST_SCRIPT, MISSING_NETEM, type Fault } from "../shared/faults.js"

export * from "../shared/faults.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Runs a command from the checkout, collecting its output. */
export function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", code => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

let imageReady: Promise<void> | undefined
/** The helper image, built here the first time (scripts/build-fault-image.sh: Debian's packages, no registry). */
export function ensureHelperImage(): Promise<void> {
  imageReady ??= run("bash", ["scripts/build-fault-image.sh", HELPER_IMAGE]).then(r => {
    if (r.code !== 0) throw new FaultError(`the fault helper image could not be built: ${r.stderr.trim()}`)
  })
  return imageReady
}

/** Runs a script in the container's network namespace from a helper that is gone when it returns. */
export async function inNamespace(
  containerId: string,
  script: string,
  echo?: (command: string) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  await ensureHelperImage()
  const args = ["run", "--rm", "--label", HELPER_LABEL, "--network", `container:${containerId}`, "--cap-add", "NET_ADMIN", HELPER_IMAGE, "sh", "-c", script]
  echo?.(`docker ${args.map(a => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ")}`)
  return run("docker", args)
}

/** Makes the fault; a kind this kernel cannot make fails at once, saying why. */
export async function applyFault(containerId: string, f: Fault, echo?: (command: string) => void): Promise<void> {
  const result = await inNamespace(containerId, faultScript(f), echo)
  if (result.code !== 0) throw new FaultError(explainFailure(f, result.stderr))
}

export async function heal(containerId: string, echo?: (command: string) => void): Promise<void> {
  const result = await inNamespace(containerId, HEAL_SCRIPT, echo)
  if (result.code !== 0) throw new FaultError(`heal failed: ${result.stderr.trim()}`)
}

/** The lab's rules in the container's namespace (empty: none). */
export async function activeFaults(containerId: string): Promise<string[]> {
  const result = await inNamespace(containerId, LIST_SCRIPT)
  return result.stdout.split("\n").filter(line => line.trim() !== "")
}

/** Whether this kernel can make netem faults: tried once in a throwaway namespace (the helper's own). */
export async function netemAvailable(): Promise<{ available: boolean; reason: string }> {
  await ensureHelperImage()
  const result = await run("docker", [
    "run",
    "--rm",
    "--label",
    HELPER_LABEL,
    "--cap-add",
    "NET_ADMIN",
    HELPER_IMAGE,
    "tc",
    "qdisc",
    "add",
    "dev",
    "lo",
    "root",
    "netem",
    "delay",
    "1ms",
  ])
  return result.code === 0 ? { available: true, reason: "" } : { available: false, reason: MISSING_NETEM }
}
