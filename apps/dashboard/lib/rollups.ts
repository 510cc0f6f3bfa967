/**
 * Rollup arithmetic shared by the ingest path and the readers: the buckets of each resolution
 * (1-minute windows merge into their 1-hour and 1-day rows), histogram sums, and percentiles read
 * from a merged histogram (never averaged from per-window percentiles).
 *
 * @example
 * ```ts
 * const hour = bucketStart(new Date('2025-03-01T10:42:17Z'), '1h') // 2025-03-01T10:00:00Z
 * percentileFromHistogram(addHistogramsInto(emptyHistogram(), row.histogram), 0.95, row.max_ms)
 * ```
 */
import { emptyHistogram, HISTOGRAM_BOUNDS_MS, histogramRank } from '@dorm/engine/contrib/querylog'

export { emptyHistogram }

/** The rollup resolutions, finest first. */
export const RESOLUTIONS = ['1m', '1h', '1d'] as const

/** One rollup resolution. */
export type Resolution = (typeof RESOLUTIONS)[number]

const RESOLUTION_MS: Record<Resolution, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }

/**
 * The length of one bucket of `resolution`, in ms.
 *
 * @example
 * ```ts
 * resolutionMs('1h') // 3600000
 * ```
 */
export function resolutionMs(resolution: Resolution): number {
  return RESOLUTION_MS[resolution]
}

/**
 * The start of the UTC bucket of `resolution` holding `at` (days start at 00:00 UTC).
 *
 * @example
 * ```ts
 * bucketStart(new Date('2025-03-01T10:42:17Z'), '1d').toISOString() // '2025-03-01T00:00:00.000Z'
 * ```
 */
export function bucketStart(at: Date, resolution: Resolution): Date {
  const size = RESOLUTION_MS[resolution]
  return new Date(Math.floor(at.getTime() / size) * size)
}

/**
 * Adds `histogram` into `target` slot by slot, in place, and returns `target` (missing slots and
 * non-numbers count as 0).
 *
 * @example
 * ```ts
 * const sum = emptyHistogram()
 * for (const row of rows) addHistogramsInto(sum, row.histogram)
 * ```
 */
export function addHistogramsInto(target: number[], histogram: unknown): number[] {
  if (!Array.isArray(histogram)) return target
  const n = Math.min(target.length, histogram.length)
  for (let i = 0; i < n; i++) {
    const value = histogram[i]
    if (typeof value === 'number' && Number.isFinite(value)) target[i] = (target[i] as number) + value
  }
  return target
}

/**
 * The q-quantile (0 < q <= 1) of a histogram of `HISTOGRAM_BOUNDS_MS` buckets, by nearest rank:
 * the upper bound of the bucket holding rank `ceil(q × n)`, clamped to `maxMs` when given (the
 * largest duration seen, which is also what the overflow bucket reads as). `null` when empty.
 *
 * @example
 * ```ts
 * // 90 statements at ~1 ms and 10 at ~40 ms
 * percentileFromHistogram(histogram, 0.5, 41)  // 1
 * percentileFromHistogram(histogram, 0.95, 41) // 41 (the 39.8..50.1 bucket, clamped to the max seen)
 * ```
 */
export function percentileFromHistogram(histogram: readonly number[], q: number, maxMs?: number): number | null {
  if (!(q > 0 && q <= 1)) {
    throw new RangeError(`percentileFromHistogram(): q must be in (0, 1], got ${String(q)}; e.g. 0.95 for p95.`)
  }
  let total = 0
  for (const count of histogram) total += count
  if (total === 0) return null
  const rank = Math.min(total - 1, Math.max(0, Math.ceil(q * total) - 1))
  const max = maxMs !== undefined && maxMs > 0 ? maxMs : (HISTOGRAM_BOUNDS_MS.at(-1) as number)
  return histogramRank(histogram, rank, { min: 0, max })
}
