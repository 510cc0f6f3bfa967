/**
 * The percentile rules of the query log, exactly as the original dorm computes them on the sorted
 * durations of one template: p50 is the upper median `sorted[floor(n / 2)]`, p95 the nearest rank
 * `sorted[max(0, min(n - 1, roundHalfEven(0.95 * (n - 1))))]`. Python's `round` rounds halves to
 * even, so `Math.round` would pick the next rank at n = 31, 71, 111, ...
 *
 * @example
 * ```ts
 * const sorted = [1, 2, 3, 4, 10, 50]
 * upperMedian(sorted) // 4
 * nearestRankP95(sorted) // 50
 * ```
 */

/**
 * Rounds to the nearest integer, halves to the even neighbour (Python's `round(x)`).
 *
 * @example
 * ```ts
 * roundHalfEven(28.5) // 28 (Math.round gives 29)
 * roundHalfEven(29.5) // 30
 * ```
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff < 0.5) return floor
  if (diff > 0.5) return floor + 1
  return floor % 2 === 0 ? floor : floor + 1
}

/**
 * Rounds to 3 decimals as Python's `round(x, 3)` does: to the nearest, exact halves to even.
 *
 * @example
 * ```ts
 * roundMs(1.23456) // 1.235
 * roundMs(1.0625) // 1.062
 * ```
 */
export function roundMs(x: number): number {
  const scaled = x * 1000
  const floor = Math.floor(scaled)
  // an exact tie only when x itself is (floor + 0.5) / 1000 in binary, e.g. 1.0625
  if (scaled - floor === 0.5 && (floor + 0.5) / 1000 === x) return (floor % 2 === 0 ? floor : floor + 1) / 1000
  return Number(x.toFixed(3))
}

/**
 * Index of the p95 nearest rank among `n` sorted values.
 *
 * @example
 * ```ts
 * p95Index(31) // 28 (Math.round would give 29)
 * ```
 */
export function p95Index(n: number): number {
  return Math.max(0, Math.min(n - 1, roundHalfEven(0.95 * (n - 1))))
}

/**
 * The upper median of ascending values (`sorted[floor(n / 2)]`); 0 when empty.
 *
 * @example
 * ```ts
 * upperMedian([1, 2, 3, 4]) // 3
 * ```
 */
export function upperMedian(sorted: readonly number[]): number {
  return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length / 2)] as number)
}

/**
 * The p95 nearest rank of ascending values; 0 when empty.
 *
 * @example
 * ```ts
 * nearestRankP95([1, 2, 3, 4, 10, 50]) // 50
 * ```
 */
export function nearestRankP95(sorted: readonly number[]): number {
  return sorted.length === 0 ? 0 : (sorted[p95Index(sorted.length)] as number)
}
