/**
 * Fixed log-scale duration buckets, the same in every process and release, so the histograms of
 * two query logs (two requests, two instances, two minutes) add up bucket by bucket and the merged
 * percentiles stay honest. Ten buckets per decade from 0.1 ms to about 63 s (upper bounds
 * `0.1 × 10^(i/10)` to 3 significant digits, inclusive like Prometheus' `le`), plus one overflow
 * bucket.
 *
 * A percentile read back from a histogram is the upper bound of the bucket holding that rank,
 * clamped to the largest duration seen: never below the exact value, and at most one bucket (26%)
 * above it (or 0.1 ms, for durations under 0.1 ms).
 *
 * @example
 * ```ts
 * const counts = histogramOf([1, 2, 3, 4, 10, 50])
 * histogramRank(counts, 3, { min: 1, max: 50 }) // 5.01: the bound of the bucket (3.98, 5.01] holding 4
 * ```
 */

/** Upper bounds (ms, inclusive) of the buckets; counts have one more slot for larger values. */
export const HISTOGRAM_BOUNDS_MS: readonly number[] = Object.freeze(
  Array.from({ length: 59 }, (_, i) => Number((0.1 * 10 ** (i / 10)).toPrecision(3))),
)

/**
 * A histogram with every count at zero (`HISTOGRAM_BOUNDS_MS.length + 1` slots).
 *
 * @example
 * ```ts
 * const counts = emptyHistogram()
 * counts[bucketIndex(12.5)]++
 * ```
 */
export function emptyHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BOUNDS_MS.length + 1).fill(0)
}

/**
 * The slot of a duration: the first bucket whose upper bound is >= ms, or the overflow slot.
 *
 * @example
 * ```ts
 * bucketIndex(0.05) // 0
 * bucketIndex(1) // 10 (the bound 1 is inclusive)
 * ```
 */
export function bucketIndex(ms: number): number {
  let low = 0
  let high = HISTOGRAM_BOUNDS_MS.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((HISTOGRAM_BOUNDS_MS[mid] as number) >= ms) high = mid
    else low = mid + 1
  }
  return low
}

/**
 * Counts durations into a new histogram.
 *
 * @example
 * ```ts
 * histogramOf([1, 2, 3]).reduce((a, b) => a + b) // 3
 * ```
 */
export function histogramOf(durations: Iterable<number>): number[] {
  const counts = emptyHistogram()
  for (const ms of durations) {
    const slot = bucketIndex(ms)
    counts[slot] = (counts[slot] as number) + 1
  }
  return counts
}

/**
 * Adds two histograms slot by slot into a new one.
 *
 * @example
 * ```ts
 * addHistograms(histogramOf([1]), histogramOf([1]))[bucketIndex(1)] // 2
 * ```
 */
export function addHistograms(a: readonly number[], b: readonly number[]): number[] {
  return emptyHistogram().map((_, i) => (a[i] ?? 0) + (b[i] ?? 0))
}

/**
 * The duration at 0-based `rank` (in ascending order) read back from counts: the upper bound of the
 * bucket holding it, clamped to `[min, max]` of the durations seen (the overflow bucket gives max).
 *
 * @example
 * ```ts
 * histogramRank(histogramOf([1, 2, 3, 4, 10, 50]), 5, { min: 1, max: 50 }) // 50
 * ```
 */
export function histogramRank(counts: readonly number[], rank: number, range: { min: number; max: number }): number {
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] as number
    if (seen > rank) {
      const bound = HISTOGRAM_BOUNDS_MS[i] ?? range.max
      return Math.min(Math.max(bound, range.min), range.max)
    }
  }
  return range.max
}
