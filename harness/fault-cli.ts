// make fault / make heal / make faults: network faults on the services of the
// lab that `make up` started (Compose project zmq-lab, or COMPOSE_PROJECT_NAME).
//   fault <service> <kind> [pct] [rate] [port] [ms] [dir] [jitter]
//   heal <service>|ALL
//   list
import { docker } from "./compose.js"
import { activeFaults, applyFault, describeFault, FaultError, heal, parseFault } from "./faults.js"

const project = process.env.COMPOSE_PROJECT_NAME || "zmq-lab"

async function containers(service?: string): Promise<{ id: string; service: string }[]> {
  const filters = ["--filter", `label=com.docker.compose.project=${project}`, ...(service ? ["--filter", `label=com.docker.compose.service=${service}`] : [])]
  const { stdout } = await docker(["ps", ...filters, "--format", '{{.ID}} {{.Label "com.docker.compose.service"}}'])
  return stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map(line => {
      const [id, name] = line.split(" ") as [string, string]
      return { id, service: name }
    })
    .sort((a, b) => (a.service < b.service ? -1 : 1))
}

async function one(service: string | undefined): Promise<{ id: string; service: string }> {
  if (!service) throw new FaultError("SERVICE=... names the service (see make ps)")
  const [found] = await containers(service)
  if (!found) throw new FaultError(`no running container of ${service} in project ${project} (make ps)`)
  return found
}

const [command, service, kind, pct, rate, port, ms, dir, jitter] = process.argv.slice(2)
try {
  if (command === "fault") {
    const fault = parseFault({ kind, pct, rate, port, ms, dir, jitter })
    const target = await one(service)
    await applyFault(target.id, fault)
    console.log(`fault: ${describeFault(fault)} on ${target.service} (make faults lists it, make heal SERVICE=${target.service} removes it)`)
  } else if (command === "heal") {
    const targets = service === "ALL" ? await containers() : [await one(service)]
    await Promise.all(targets.map(t => heal(t.id)))
    console.log(`healed: ${service === "ALL" ? `every service of ${project} (${targets.length})` : targets[0]!.service}`)
  } else if (command === "list") {
    const all = await containers()
    const found = await Promise.all(all.map(async t => ({ ...t, rules: await activeFaults(t.id) })))
    const active = found.filter(t => t.rules.length > 0)
    if (active.length === 0) console.log(`no fault active in ${project}`)
    for (const t of active) for (const rule of t.rules) console.log(`${t.service.padEnd(24)} ${rule}`)
  } else {
    throw new FaultError("usage: fault <service> <kind> [pct] [rate] [port] [ms] [dir] [jitter] | heal <service>|ALL | list")
  }
} catch (error) {
  if (!(error instanceof FaultError)) throw error
  console.error(`fault: ${error.message}`)
  process.exit(2)
}
