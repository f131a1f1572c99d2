// The chaos run's picture: faults as bands, messages delivered per second for
// each variant as a line. Pure: data in, SVG text out.

export interface Band {
  from: number
  to: number
  label: string
  kind: string
}

export interface Series {
  name: string
  color: string
  /** Times (epoch ms) of each delivery. */
  times: number[]
}

const BAND_COLORS: Record<string, string> = { kill: "#f4a3a3", pause: "#f7d38b", disconnect: "#a9c8f0", fault: "#d4b3f0" }
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Counts per whole second from `start` to `end`. */
export function perSecond(times: number[], start: number, end: number): number[] {
  const buckets = new Array<number>(Math.max(1, Math.ceil((end - start) / 1000))).fill(0)
  for (const t of times) {
    const index = Math.floor((t - start) / 1000)
    if (index >= 0 && index < buckets.length) buckets[index]! += 1
  }
  return buckets
}

export function timelineSvg({ title, start, end, bands, series }: { title: string; start: number; end: number; bands: Band[]; series: Series[] }): string {
  const width = 960
  const height = 360
  const left = 50
  const right = 20
  const top = 40
  const bottom = 50
  const plotW = width - left - right
  const plotH = height - top - bottom
  const counts = series.map(s => perSecond(s.times, start, end))
  const max = Math.max(1, ...counts.flat())
  const x = (t: number) => left + ((t - start) / Math.max(1, end - start)) * plotW
  const y = (n: number) => top + plotH - (n / max) * plotH
  const seconds = Math.ceil((end - start) / 1000)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">${escape(title)}</text>`,
    ...bands.map(
      b =>
        `<rect x="${x(b.from).toFixed(1)}" y="${top}" width="${Math.max(1, x(b.to) - x(b.from)).toFixed(1)}" height="${plotH}" fill="${BAND_COLORS[b.kind] ?? "#ddd"}" opacity="0.7"><title>${escape(b.label)}</title></rect>`,
    ),
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
    `<text x="${left - 8}" y="${top + 4}" text-anchor="end">${max}</text>`,
    `<text x="${left - 8}" y="${top + plotH}" text-anchor="end">0</text>`,
    `<text x="14" y="${top + plotH / 2}" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">delivered per second</text>`,
    ...Array.from(
      { length: Math.floor(seconds / 10) + 1 },
      (_, i) => `<text x="${x(start + i * 10_000).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${i * 10} s</text>`,
    ),
    ...series.map((s, i) => {
      const points = counts[i]!.map((n, second) => `${x(start + second * 1000 + 500).toFixed(1)},${y(n).toFixed(1)}`).join(" ")
      return `<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`
    }),
    ...series.map((s, i) => `<text x="${left + 10 + i * 160}" y="${height - 12}" fill="${s.color}">■ ${escape(s.name)}</text>`),
    ...Object.entries(BAND_COLORS).map(
      ([kind, color], i) => `<text x="${left + 340 + i * 110}" y="${height - 12}" fill="${color}">■ <tspan fill="black">${kind}</tspan></text>`,
    ),
    "</svg>",
  ]
  return parts.join("\n") + "\n"
}
