// A key-value map's fingerprint and its difference from another: what the
// Clone services log (a digest of their map at the end) and what the chaos
// checker compares (the publisher's map against a subscriber's copy). Pure.
import { createHash } from "node:crypto"

/** Pure: the fingerprint of a key -> value map, whatever its key order. */
export function digestOf(values: Record<string, string>): string {
  const ordered = Object.keys(values)
    .sort()
    .map(key => [key, values[key]])
  return createHash("sha256").update(JSON.stringify(ordered)).digest("hex").slice(0, 16)
}

/** Pure: the keys whose values differ between two maps (missing on one side counts). */
export function differingKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].filter(key => a[key] !== b[key]).sort()
}
