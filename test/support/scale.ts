/**
 * How hard the reliability suite pushes. `npm test` runs the short scale (a few seconds per fault,
 * enough to fail when a guarantee breaks); `npm run test:reliability` sets `DORM_RELIABILITY=full`
 * for the figures reported in docs/reliability.md.
 *
 * @example
 * ```ts
 * const writers = pick({ short: 10, full: 50 })
 * ```
 */
export type ReliabilityScale = 'short' | 'full'

/** The scale of this run, from `DORM_RELIABILITY` (`short` unless it says `full`). */
export function reliabilityScale(): ReliabilityScale {
  const value = (process.env.DORM_RELIABILITY ?? 'short').toLowerCase()
  if (value !== 'short' && value !== 'full') {
    throw new Error(`DORM_RELIABILITY must be "short" or "full", not ${JSON.stringify(value)}`)
  }
  return value
}

/** The value for the current scale. */
export function pick<T>(values: Record<ReliabilityScale, T>): T {
  return values[reliabilityScale()]
}
