// `make config`: every setting's effective value for the lab and where it
// comes from (its default, or .env), and the services whose environment in
// docker-compose.yml sets it otherwise (`docker compose config --format json`
// on stdin). `--check` (what `make up` runs first): warns of each key in .env
// that no service reads, naming the setting it most likely meant, and fails
// (exit 2) on a value a service would refuse, naming the setting, the value
// and what is allowed: before any container starts.
import { existsSync, readFileSync } from "node:fs"
import { parse } from "dotenv"
import { checkEnvFile, settingsTable } from "../shared/config.js"

const envPath = process.env.ENV_FILE ?? ".env"
const envFile = existsSync(envPath) ? parse(readFileSync(envPath)) : {}

if (process.argv.includes("--check")) {
  const { unknown, invalid } = checkEnvFile(envFile)
  for (const { key, suggestion } of unknown)
    process.stderr.write(`warning: .env sets ${key}, which no service reads${suggestion ? ` (did you mean ${suggestion}?)` : ""}\n`)
  for (const error of invalid) process.stderr.write(`config error in .env: ${error.message}\n`)
  process.exit(invalid.length > 0 ? 2 : 0)
}

let input = ""
if (!process.stdin.isTTY) for await (const chunk of process.stdin) input += String(chunk)
const compose = input.trim() ? (JSON.parse(input) as { services?: Record<string, { environment?: Record<string, string | null> }> }) : {}
const services = Object.fromEntries(
  Object.entries(compose.services ?? {}).map(([name, s]) => [
    name,
    Object.fromEntries(Object.entries(s.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === "string")),
  ]),
)
const rows = settingsTable(envFile, services)
const widths = [Math.max(...rows.map(r => r.name.length)), Math.min(40, Math.max(...rows.map(r => r.value.length))), 7]
const line = (cells: string[]) =>
  cells
    .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell))
    .join("  ")
    .trimEnd()
const table = [
  line(["setting", "value", "from", "set otherwise in docker-compose.yml"]),
  ...rows.map(row => line([row.name, row.value, row.from, row.overrides.map(o => `${o.service}=${o.value}`).join(", ")])),
]
process.stdout.write(`${table.join("\n")}\n`)
