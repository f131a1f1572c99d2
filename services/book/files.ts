// The file service of chapter 4's filer: a request {"path": ...} is answered
// with the file's content, or with {"error": {code, message}}: the chapter's
// error-handling exercise. Shared by the REP filer and the filer cluster.
import { readFile } from "node:fs/promises"
import { isAbsolute, relative, resolve } from "node:path"

export interface FileReply {
  content: string
  timestamp: number
  pid: number
}

export interface FileError {
  error: { code: "bad-request" | "outside-root" | "not-found" | "unreadable" | "not-a-file"; message: string }
}

export type Resolved = { ok: true; file: string } | ({ ok: false } & FileError)

/** Pure: where a requested path leads inside `root`, refusing anything that leaves it. */
export function resolveRequest(root: string, body: unknown): Resolved {
  const path = typeof body === "object" && body !== null ? (body as { path?: unknown }).path : undefined
  if (typeof path !== "string" || path.length === 0 || path.length > 1024 || path.includes("\0")) {
    return { ok: false, error: { code: "bad-request", message: 'a request must be {"path": "<file name>"}' } }
  }
  const file = resolve(root, path)
  const inside = relative(root, file)
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    return { ok: false, error: { code: "outside-root", message: `${path} is outside the served folder` } }
  }
  return { ok: true, file }
}

/** Reads the requested file; every failure becomes an error reply, none is thrown. */
export async function serveFile(root: string, body: unknown): Promise<FileReply | FileError> {
  const resolved = resolveRequest(root, body)
  if (!resolved.ok) return { error: resolved.error }
  try {
    return { content: await readFile(resolved.file, "utf8"), timestamp: Date.now(), pid: process.pid }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const name = relative(root, resolved.file)
    if (code === "ENOENT") return { error: { code: "not-found", message: `${name} does not exist` } }
    if (code === "EACCES" || code === "EPERM") return { error: { code: "unreadable", message: `${name} cannot be read` } }
    if (code === "EISDIR") return { error: { code: "not-a-file", message: `${name} is a folder` } }
    throw error
  }
}
