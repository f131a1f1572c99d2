// The image's default command: lists the programs it holds, one folder per
// pattern. Compose runs one of them per service with
// `command: ["node", "dist/services/<pattern>/<role>.js"]`.
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const services = fileURLToPath(new URL("../services", import.meta.url))
const programs = readdirSync(services, { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .flatMap(pattern =>
    readdirSync(`${services}/${pattern.name}`)
      // A program starts a service (or is one, under another role's name); the rest are its modules.
      .filter(file => file.endsWith(".js") && /startService\(|^import "\.\.\//m.test(readFileSync(`${services}/${pattern.name}/${file}`, "utf8")))
      .map(file => `dist/services/${pattern.name}/${file}`),
  )
  .sort()
process.stdout.write(`zmq-lab image. Run one program with: node <program>\n\n${programs.map(p => `  ${p}`).join("\n")}\n`)
