// make keys: the CURVE key pairs of the lab, made with zeromq's own generator
// (libsodium), as Z85 text files: `<name>.pub` and `<name>.secret`.
//   server    every bound socket's pair (one pair shared by all servers)
//   client    every connecting socket's pair; its public key is on the allow-list
//   stranger  a client pair that is not on the allow-list (curve-unknown-client, curve-allow-live)
//   impostor  a server pair no server has: a client trusting its public key has the wrong server key
// A pair already there is kept: keys are made once, not at every start.
//
// Modes: the directory is the owner's alone (0700); the files in it are
// readable (0644) because Compose mounts a secret file as it is, outside Swarm,
// and the services read it as the image's unprivileged user.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { curveKeyPair } from "zeromq"
import { keyId } from "../shared/z85.js"

export const KEY_PAIRS = ["server", "client", "stranger", "impostor"] as const
/** The keys the allow-list starts with: the lab's own clients. */
const ALLOWED_FIRST = ["client"]

/** Makes the pairs missing under `dir` and the allow-list if there is none; returns what it did, a line each. */
export function ensureKeys(dir: string): string[] {
  const done: string[] = []
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  for (const name of KEY_PAIRS) {
    const pub = join(dir, `${name}.pub`)
    const secret = join(dir, `${name}.secret`)
    if (existsSync(pub) && existsSync(secret)) continue
    const { publicKey, secretKey } = curveKeyPair()
    writeFileSync(secret, `${secretKey}\n`, { mode: 0o644 })
    writeFileSync(pub, `${publicKey}\n`, { mode: 0o644 })
    done.push(`created ${name}.pub and ${name}.secret (key ${keyId(publicKey)})`)
  }
  const allowed = join(dir, "allowed")
  if (!existsSync(allowed)) {
    mkdirSync(allowed, { mode: 0o755 })
    for (const name of ALLOWED_FIRST) copyFileSync(join(dir, `${name}.pub`), join(allowed, `${name}.pub`))
    done.push(`created allowed/ with ${ALLOWED_FIRST.map(name => `${name}.pub`).join(", ")}`)
  }
  chmodSync(allowed, 0o755)
  return done
}

/** Puts a key pair's public key on the allow-list (what a person does with cp). */
export function allowKey(dir: string, name: string): void {
  copyFileSync(join(dir, `${name}.pub`), join(dir, "allowed", `${name}.pub`))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(process.argv[2] ?? "keys")
  const done = ensureKeys(dir)
  for (const line of done) console.log(`keys: ${line}`)
  const allowed = readdirSync(join(dir, "allowed")).filter(file => file.endsWith(".pub"))
  console.log(`keys: ${dir}: ${KEY_PAIRS.length} pairs; allowed: ${allowed.join(", ") || "none"}${done.length === 0 ? " (all there already)" : ""}`)
}
