// Sets of message ids in bounded memory: a producer numbers its messages 1, 2,
// 3, ... per incarnation, so what a consumer has seen is a few ranges, however
// long the lab runs. Pure; the live figures (live-figures.ts) are made of these.
import type { Range } from "./accounting.js"

/** Distinct positive integers as sorted, disjoint, non-adjacent ranges. */
export class RangeSet {
  private ranges: Range[] = []
  private count = 0

  static of(ranges: Range[]): RangeSet {
    const set = new RangeSet()
    for (const r of ranges) set.addRange(r.from, r.to)
    return set
  }

  get size(): number {
    return this.count
  }

  get highest(): number {
    return this.ranges.at(-1)?.to ?? 0
  }

  toRanges(): Range[] {
    return this.ranges.map(r => ({ ...r }))
  }

  /** The index of the first range that ends at or after n - 1 (where n would join or go). */
  private find(n: number): number {
    let lo = 0
    let hi = this.ranges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.ranges[mid]!.to < n - 1) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  has(n: number): boolean {
    const r = this.ranges[this.find(n + 1)]
    return r !== undefined && r.from <= n && n <= r.to
  }

  /** Adds n; false when it was there already. */
  add(n: number): boolean {
    if (this.has(n)) return false
    this.addRange(n, n)
    return true
  }

  private addRange(from: number, to: number): void {
    const i = this.find(from)
    let start = from
    let end = to
    let removed = 0
    // Merge every range that touches [from - 1, to + 1].
    while (i < this.ranges.length && this.ranges[i]!.from <= to + 1) {
      const r = this.ranges[i]!
      start = Math.min(start, r.from)
      end = Math.max(end, r.to)
      removed += r.to - r.from + 1
      this.ranges.splice(i, 1)
    }
    this.ranges.splice(i, 0, { from: start, to: end })
    this.count += end - start + 1 - removed
  }

  /** The numbers in both sets. */
  intersect(other: RangeSet): RangeSet {
    const out = new RangeSet()
    let i = 0
    let j = 0
    const a = this.ranges
    const b = other.ranges
    while (i < a.length && j < b.length) {
      const from = Math.max(a[i]!.from, b[j]!.from)
      const to = Math.min(a[i]!.to, b[j]!.to)
      if (from <= to) out.addRange(from, to)
      if (a[i]!.to < b[j]!.to) i++
      else j++
    }
    return out
  }

  /** The numbers of this set that are not in `other`. */
  minus(other: RangeSet): RangeSet {
    const out = new RangeSet()
    let j = 0
    const b = other.ranges
    for (const r of this.ranges) {
      let from = r.from
      while (j < b.length && b[j]!.to < from) j++
      let k = j
      while (k < b.length && b[k]!.from <= r.to) {
        if (b[k]!.from > from) out.addRange(from, b[k]!.from - 1)
        from = Math.max(from, b[k]!.to + 1)
        k++
      }
      if (from <= r.to) out.addRange(from, r.to)
    }
    return out
  }

  /** The numbers within [from, to]. */
  within(from: number, to: number): RangeSet {
    return from > to ? new RangeSet() : this.intersect(RangeSet.of([{ from, to }]))
  }
}

/** Message ids (incarnation, seq): a RangeSet per incarnation. */
export class IdSet {
  readonly byIncarnation = new Map<string, RangeSet>()

  get size(): number {
    let total = 0
    for (const set of this.byIncarnation.values()) total += set.size
    return total
  }

  get incarnations(): string[] {
    return [...this.byIncarnation.keys()]
  }

  of(incarnation: string): RangeSet {
    return this.byIncarnation.get(incarnation) ?? new RangeSet()
  }

  add(incarnation: string, seq: number): boolean {
    let set = this.byIncarnation.get(incarnation)
    if (!set) this.byIncarnation.set(incarnation, (set = new RangeSet()))
    return set.add(seq)
  }

  has(incarnation: string, seq: number): boolean {
    return this.byIncarnation.get(incarnation)?.has(seq) ?? false
  }

  private combine(other: IdSet, op: (a: RangeSet, b: RangeSet) => RangeSet): IdSet {
    const out = new IdSet()
    for (const [incarnation, set] of this.byIncarnation) {
      const result = op(set, other.of(incarnation))
      if (result.size > 0) out.byIncarnation.set(incarnation, result)
    }
    return out
  }

  intersect(other: IdSet): IdSet {
    return this.combine(other, (a, b) => a.intersect(b))
  }

  minus(other: IdSet): IdSet {
    return this.combine(other, (a, b) => a.minus(b))
  }

  /** Per incarnation, only the numbers in [from, to] that `bounds` gives (none where it gives undefined). */
  restrict(bounds: (incarnation: string) => { from: number; to: number } | undefined): IdSet {
    const out = new IdSet()
    for (const [incarnation, set] of this.byIncarnation) {
      const b = bounds(incarnation)
      if (!b) continue
      const result = set.within(b.from, b.to)
      if (result.size > 0) out.byIncarnation.set(incarnation, result)
    }
    return out
  }
}
