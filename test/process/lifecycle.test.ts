// Every service, run alone as a process: a clean exit 0 within 2 s on SIGTERM
// or SIGINT, with a final `stats` line, even when its peers are missing and
// messages are queued (a REQ waiting for a reply, a PUSH with no worker); and an
// invalid setting stops it at start with one line naming variable and value.
import assert from "node:assert/strict"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, describe, it } from "node:test"
import { is } from "../../harness/logs.js"
import type { EventName } from "../../shared/log-events.js"
import { freePort, Lab } from "../support/processes.js"

const lab = new Lab()
const stateDir = mkdtempSync(join(tmpdir(), "zmq-lab-lifecycle-"))
after(async () => {
  await lab.stopAll()
  rmSync(stateDir, { recursive: true, force: true })
})

interface Case {
  script: string
  env: (port: number) => Record<string, string>
  /** The event that shows the service is busy (sending, or waiting on a peer). */
  busy: EventName
}

const cases: Record<string, Case> = {
  "pubsub-publisher": { script: "services/pubsub/publisher.ts", env: p => ({ PUBSUB_BIND: `tcp://127.0.0.1:${p}`, PUBSUB_RATE: "200" }), busy: "sent" },
  "pubsub-subscriber": { script: "services/pubsub/subscriber.ts", env: p => ({ PUBSUB_CONNECT: `tcp://127.0.0.1:${p}` }), busy: "socket.connect:retry" },
  "pipeline-ventilator": {
    script: "services/pipeline/ventilator.ts",
    env: p => ({ PIPELINE_VENTILATOR_BIND: `tcp://127.0.0.1:${p}`, PIPELINE_RATE: "100" }),
    busy: "ventilating",
  },
  "pipeline-worker": {
    script: "services/pipeline/worker.ts",
    env: p => ({ PIPELINE_VENTILATOR_CONNECT: `tcp://127.0.0.1:${p}`, PIPELINE_SINK_CONNECT: `tcp://127.0.0.1:${p + 1}` }),
    busy: "socket.connect:retry",
  },
  "pipeline-sink": { script: "services/pipeline/sink.ts", env: p => ({ PIPELINE_SINK_BIND: `tcp://127.0.0.1:${p}` }), busy: "listening" },
  "reqrep-server": { script: "services/reqrep/server.ts", env: p => ({ REQREP_BIND: `tcp://127.0.0.1:${p}` }), busy: "listening" },
  "reqrep-client": { script: "services/reqrep/client.ts", env: p => ({ REQREP_CONNECT: `tcp://127.0.0.1:${p}`, REQREP_INTERVAL_MS: "50" }), busy: "sent" },
  "lazy-pirate-server": {
    script: "services/lazy-pirate/server.ts",
    env: p => ({ LAZY_PIRATE_BIND: `tcp://127.0.0.1:${p}`, LAZY_PIRATE_HANDLED_DIR: join(stateDir, `lazy-${p}`) }),
    busy: "listening",
  },
  // A client with no server: it times out and retries, backing off.
  "lazy-pirate-client": {
    script: "services/lazy-pirate/client.ts",
    env: p => ({ LAZY_PIRATE_CONNECT: `tcp://127.0.0.1:${p}`, LAZY_PIRATE_TIMEOUT_MS: "100", LAZY_PIRATE_RETRY_BACKOFF_MS: "10" }),
    busy: "timeout",
  },
  "router-dealer-broker": {
    script: "services/router-dealer/broker.ts",
    env: p => ({ ROUTER_DEALER_FRONTEND_BIND: `tcp://127.0.0.1:${p}`, ROUTER_DEALER_BACKEND_BIND: `tcp://127.0.0.1:${p + 1}` }),
    busy: "listening",
  },
  "router-dealer-worker": {
    script: "services/router-dealer/worker.ts",
    env: p => ({ ROUTER_DEALER_BACKEND_CONNECT: `tcp://127.0.0.1:${p}` }),
    busy: "socket.connect:retry",
  },
  "router-dealer-client": {
    script: "services/router-dealer/client.ts",
    env: p => ({ ROUTER_DEALER_FRONTEND_CONNECT: `tcp://127.0.0.1:${p}`, ROUTER_DEALER_RATE: "100" }),
    busy: "sent",
  },
  "paranoid-pirate-queue": {
    script: "services/paranoid-pirate/queue.ts",
    env: p => ({ PARANOID_PIRATE_FRONTEND_BIND: `tcp://127.0.0.1:${p}`, PARANOID_PIRATE_BACKEND_BIND: `tcp://127.0.0.1:${p + 1}` }),
    busy: "listening",
  },
  // A worker with no queue: it gives the silent queue up and reconnects, backing off.
  "paranoid-pirate-worker": {
    script: "services/paranoid-pirate/worker.ts",
    env: p => ({
      PARANOID_PIRATE_BACKEND_CONNECT: `tcp://127.0.0.1:${p}`,
      PARANOID_PIRATE_HEARTBEAT_MS: "50",
      PARANOID_PIRATE_RECONNECT_MS: "100",
      PARANOID_PIRATE_DEDUP: "true",
      PARANOID_PIRATE_HANDLED_DIR: join(stateDir, `handled-${p}`),
    }),
    busy: "queue-silent",
  },
  "clone-publisher": {
    script: "services/clone/publisher.ts",
    env: p => ({
      CLONE_BIND: `tcp://127.0.0.1:${p}`,
      CLONE_SNAPSHOT_BIND: `tcp://127.0.0.1:${p + 1}`,
      CLONE_RATE: "100",
      CLONE_JOURNAL: join(stateDir, `clone-${p}.journal`),
    }),
    busy: "sent",
  },
  // A subscriber whose snapshot requests go unanswered: it asks again and again.
  "clone-subscriber": {
    script: "services/clone/subscriber.ts",
    env: p => ({ CLONE_CONNECT: `tcp://127.0.0.1:${p}`, CLONE_SNAPSHOT_CONNECT: `tcp://127.0.0.1:${p + 1}`, CLONE_SNAPSHOT_TIMEOUT_MS: "100" }),
    busy: "snapshot-timeout",
  },
}

// Each case has its own ports and its own process: four at a time (two cores; each start compiles TypeScript).
describe("shutdown", { concurrency: 4 }, () => {
  for (const [name, { script, env, busy }] of Object.entries(cases)) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      it(`${name} exits 0 within 2 s on ${signal}, with a final stats line`, async () => {
        const service = lab.start(script, `${name}-${signal}`, env(await freePort()))
        await lab.logs.waitFor(`${name} ${busy}`, is(`${name}-${signal}`, busy), 10_000)
        const mark = lab.logs.mark
        service.signal(signal)
        const exit = await service.exited
        assert.equal(exit.code, 0, `exit code (stderr: ${service.stderr})`)
        assert.ok(exit.afterMs < 2000, `exited after ${exit.afterMs} ms`)
        const last = lab.logs.records
          .slice(mark)
          .filter(r => r.service === `${name}-${signal}`)
          .map(r => r.event)
        assert.deepEqual(last.slice(-2), ["stats", "shutdown"])
      })
    }
  }
})

describe("configuration", () => {
  const invalid: Array<[string, string, string]> = [
    ["services/pubsub/publisher.ts", "PUBSUB_RATE", "fast"],
    ["services/pubsub/subscriber.ts", "PUBSUB_CONNECT", "pubsub-publisher:5556"],
    ["services/reqrep/client.ts", "REQREP_TIMEOUT_MS", "-5"],
    ["services/router-dealer/broker.ts", "LOG_FORMAT", "xml"],
  ]
  for (const [script, variable, value] of invalid) {
    it(`${script} stops at start on ${variable}=${value} with one line naming it`, async () => {
      const service = lab.start(script, "misconfigured", { [variable]: value })
      const exit = await service.exited
      assert.equal(exit.code, 2)
      const lines = service.stderr.trim().split("\n")
      assert.equal(lines.length, 1, service.stderr)
      assert.match(lines[0]!, new RegExp(`^config error: invalid ${variable}="${value}": expected .+`))
      assert.equal(lab.logs.filter(r => r.service === "misconfigured").length, 0, "no service output before the config is valid")
    })
  }
})
