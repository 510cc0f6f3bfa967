/**
 * Formatting shared by pages and charts: durations, counts, times (UTC, so server and browser
 * agree), percentages, short SHAs.
 *
 * @example
 * ```ts
 * formatMs(1532) // '1.53 s'
 * formatTime(new Date('2026-01-01T10:00:00Z')) // '2026-01-01 10:00:00 UTC'
 * ```
 */

/**
 * A duration in ms, with a unit that keeps 3 significant digits.
 *
 * @example
 * ```ts
 * formatMs(0.42) // '0.42 ms'
 * ```
 */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  if (ms >= 60_000) return `${(ms / 60_000).toPrecision(3)} min`
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`
  if (ms >= 100) return `${Math.round(ms)} ms`
  return `${Number(ms.toPrecision(3))} ms`
}

/**
 * A count with thousands separators.
 *
 * @example
 * ```ts
 * formatCount(12345) // '12,345'
 * ```
 */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  return Math.round(n).toLocaleString('en-US')
}

/**
 * A rate with up to 2 decimals.
 *
 * @example
 * ```ts
 * formatRate(0.0333) // '0.03'
 * ```
 */
export function formatRate(n: number): string {
  return n === 0 ? '0' : n < 0.01 ? '< 0.01' : n.toFixed(2)
}

/**
 * A time in UTC: `YYYY-MM-DD HH:mm:ss UTC`.
 *
 * @example
 * ```ts
 * formatTime(new Date(0)) // '1970-01-01 00:00:00 UTC'
 * ```
 */
export function formatTime(date: Date | string | number | null | undefined): string {
  if (date === null || date === undefined) return '–'
  const d = new Date(date)
  if (Number.isNaN(d.getTime())) return '–'
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/**
 * A ratio 0..1 as a percentage.
 *
 * @example
 * ```ts
 * formatPercent(0.5) // '50%'
 * ```
 */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–'
  return `${Math.round(ratio * 100)}%`
}

/**
 * The first 7 characters of a git SHA.
 *
 * @example
 * ```ts
 * shortSha('0123456789abcdef') // '0123456'
 * ```
 */
export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '–'
}
