// Clone, the state both sides keep: a key-value map where every update carries
// the store's version number (1, 2, 3, ... for the publisher's whole life, kept
// across its restarts). The publisher's Store makes updates; a subscriber's
// Replica applies them and decides when it must ask for a snapshot.
// Pure: no sockets, no clock, so both are tested on hand-made sequences.
import { digestOf } from "../../shared/keyvalue.js"

/** The stream the publisher's versions number. */
export const UPDATES = "updates"

export interface Update {
  key: string
  value: string
  version: number
}

/** A snapshot: the whole map at one version (each key with the version that last set it). */
export interface Snapshot {
  version: number
  entries: Record<string, { value: string; version: number }>
}

export class Store {
  protected map = new Map<string, { value: string; version: number }>()
  version = 0

  /** Applies an update unconditionally (the publisher, and journal replay). */
  set(update: Update): void {
    this.map.set(update.key, { value: update.value, version: update.version })
    this.version = Math.max(this.version, update.version)
  }

  /** The next update: the given key set to the given value, at the next version. */
  next(key: string, value: string): Update {
    const update = { key, value, version: this.version + 1 }
    this.set(update)
    return update
  }

  snapshot(): Snapshot {
    return { version: this.version, entries: Object.fromEntries([...this.map].sort(([a], [b]) => a.localeCompare(b))) }
  }

  get size(): number {
    return this.map.size
  }

  /** A short fingerprint of the map (keys and values, in key order): equal maps, equal digests. */
  digest(): string {
    return digestOf(Object.fromEntries([...this.map].map(([key, entry]) => [key, entry.value])))
  }

  /** The map as plain key -> value (what the logs show at the end). */
  values(): Record<string, string> {
    return Object.fromEntries([...this.map].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => [key, entry.value]))
  }
}

export type Outcome =
  /** Applied: the replica is now at this update's version. */
  | "applied"
  /** Not newer than the replica (already in its snapshot, or seen before): skipped. */
  | "stale"
  /** Kept until the snapshot the replica is waiting for arrives. */
  | "buffered"
  /** Updates between the replica's version and this one were lost: ask for a snapshot. */
  | "gap"

/**
 * A subscriber's copy. Naive (no snapshots): applies every newer update as it
 * comes, whatever was missed. Reliable (the Clone pattern): starts by asking
 * for a snapshot, buffers updates until it arrives, applies only updates newer
 * than the snapshot, and asks again on a gap or when the publisher's heartbeat
 * says it is ahead.
 */
export class Replica extends Store {
  /** Waiting for a snapshot (updates are buffered meanwhile). */
  syncing: boolean
  private buffer: Update[] = []

  constructor(
    readonly snapshots: boolean,
    private readonly bufferMax = 10_000,
  ) {
    super()
    this.syncing = snapshots
  }

  update(update: Update): Outcome {
    if (this.syncing) {
      // Beyond the bound the oldest is dropped: the snapshot will be newer anyway,
      // and a gap after it is caught by the version check.
      this.buffer.push(update)
      if (this.buffer.length > this.bufferMax) this.buffer.shift()
      return "buffered"
    }
    if (update.version <= this.version) return "stale"
    if (this.snapshots && update.version > this.version + 1) {
      this.resync()
      this.buffer.push(update)
      return "gap"
    }
    this.set(update)
    return "applied"
  }

  /** Starts (again) waiting for a snapshot. */
  resync(): void {
    this.syncing = true
  }

  /**
   * Replaces the map with a snapshot, then applies the buffered updates newer
   * than it, in order. Returns the updates applied, and "gap" when the
   * buffer does not continue the snapshot (ask again).
   */
  load(snapshot: Snapshot): { applied: Update[]; outcome: "synced" | "gap" } {
    this.map = new Map(Object.entries(snapshot.entries))
    this.version = snapshot.version
    this.syncing = false
    const buffered = this.buffer.sort((a, b) => a.version - b.version)
    this.buffer = []
    const applied: Update[] = []
    for (const [index, update] of buffered.entries()) {
      const outcome = this.update(update)
      if (outcome === "applied") applied.push(update)
      if (outcome === "gap") {
        this.buffer.push(...buffered.slice(index + 1))
        return { applied, outcome: "gap" }
      }
    }
    return { applied, outcome: "synced" }
  }

  /** The publisher says it is at `version`: true when this replica must resync (it missed the latest updates). */
  behind(version: number): boolean {
    if (!this.snapshots || this.syncing || version <= this.version) return false
    this.resync()
    return true
  }
}
