// The raw pair on loopback: both ends, as two processes of one container,
// over tcp://127.0.0.1. Prints each end's line as it ends; fails when one fails.
import { spawn } from "node:child_process"
import { readOptions } from "./options.js"

const PORT = 5700
const args = [...process.argv.slice(2), "--endpoint", `tcp://127.0.0.1:${PORT}`]
const options = readOptions(args)

function run(program: string): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, new URL(program, import.meta.url).pathname, ...args], { stdio: ["ignore", "inherit", "inherit"] })
  return new Promise((resolve, reject) =>
    child.on("exit", code => (code === 0 ? resolve() : reject(new Error(`${program} (${options.pattern}) exited with ${code}`)))),
  )
}

const receiver = run("./receiver.js")
await Promise.all([receiver, run("./sender.js")])
