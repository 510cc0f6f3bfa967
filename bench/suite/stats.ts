/** Small statistics helpers: median, percentiles, coefficient of variation. */

/**
 * The value below which `p` (0-1) of the samples fall (nearest rank on a sorted copy).
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 0.5) // 2
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[rank] as number
}

/**
 * The median (mean of the two middle values for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]) // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Standard deviation over mean (0 for fewer than two samples).
 *
 * @example
 * ```ts
 * coefficientOfVariation([10, 10, 10]) // 0
 * ```
 */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)
  return mean === 0 ? 0 : Math.sqrt(variance) / mean
}
