// The observer: a live picture of the running lab in the browser, at
// http://127.0.0.1:8080 (OBSERVER_PORT). It reads the lab through Docker only
// (docker.ts), keeps what it learns in memory (model.ts), and serves one page
// and an API (server.ts). Started by `make up` like every service; it shuts
// down cleanly on SIGTERM.
import { randomBytes } from "node:crypto"
import { pick } from "../shared/config.js"
import { startService } from "../shared/service.js"
import { DockerLab } from "./docker.js"
import { Observatory } from "./model.js"
import { serve } from "./server.js"

/** The port inside the container; the host's (OBSERVER_PORT) is Compose's to publish, on the loopback only. */
const LISTEN_PORT = 8080
const TICK_MS = 1000

const service = startService("observer", pick("OBSERVER_PORT"))
const { log, config } = service
const model = new Observatory(service.name, Date.now())
const lab = new DockerLab({
  line: (name, text) => model.line(name, text, Date.now()),
  event: e => {
    const known = model.has(e.service)
    model.containerEvent(e)
    // A container Compose has just made: its program (and so its pattern) comes with the list.
    if (!known || e.action === "create")
      void lab.list().then(
        list => model.containers(list),
        () => undefined,
      )
  },
})

const token = randomBytes(16).toString("hex")
const containers = await lab.start()
model.containers(containers)
const tick = setInterval(() => model.tick(Date.now()), TICK_MS)
const server = await serve({ model, lab, token, port: LISTEN_PORT, log })
const url = `http://127.0.0.1:${config.OBSERVER_PORT}`
log.info("listening", `open ${url} (project ${lab.project}, ${containers.length} containers; scripts send X-Lab-Token: ${token})`, {
  socket: "http",
  endpoint: url,
})

service.reportStats(() => {
  const memory = process.memoryUsage()
  return { ...model.totals(), rssMiB: Math.round(memory.rss / 2 ** 20), lagP50Ms: model.lag().p50 ?? -1, clients: server.clients() }
})
service.onStop(async () => {
  clearInterval(tick)
  lab.close()
  await server.close()
})
