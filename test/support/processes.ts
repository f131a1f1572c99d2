// Services as child processes on 127.0.0.1, for the process-level tests: the
// same programs as in the containers, run from source with tsx.
import { spawn, type ChildProcess } from "node:child_process"
import { once } from "node:events"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { LogCollector } from "../../harness/logs.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  afterMs: number
}

export class ServiceProcess {
  readonly child: ChildProcess
  readonly exited: Promise<Exit>
  stderr = ""
  private signalledAt = 0

  constructor(
    readonly script: string,
    readonly env: Record<string, string>,
    readonly logs: LogCollector,
  ) {
    this.child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: root,
      // A clean environment plus the test's variables: no .env, no host settings.
      env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    logs.follow(this.child.stdout!)
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()))
    this.exited = once(this.child, "exit").then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      afterMs: Date.now() - this.signalledAt,
    }))
  }

  signal(signal: NodeJS.Signals): void {
    this.signalledAt = Date.now()
    this.child.kill(signal)
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }
}

/** Starts and stops services for one test; `stopAll` leaves no process behind. */
export class Lab {
  readonly logs = new LogCollector()
  readonly processes: ServiceProcess[] = []

  start(script: string, name: string, env: Record<string, string> = {}): ServiceProcess {
    const service = new ServiceProcess(script, { SERVICE_NAME: name, STATS_INTERVAL_MS: "1000", ...env }, this.logs)
    this.processes.push(service)
    return service
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.processes
        .filter(p => p.running)
        .map(async p => {
          p.signal("SIGKILL")
          await p.exited
        }),
    )
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const address = server.address()
  server.close()
  await once(server, "close")
  if (address === null || typeof address === "string") throw new Error("no port")
  return address.port
}
