/**
 * The time range of a page, read from its URL: `?range=24h` (a preset ending now) or
 * `?from=<ISO>&to=<ISO>` (a fixed window, which wins when both are valid). Anything else falls back
 * to the last 24 hours, with `error` saying what was wrong so the page can show it.
 *
 * @example
 * ```ts
 * const range = parseTimeRange({ range: '7d' })
 * range.from // 7 days ago; range.to: now
 * rangeQuery(range) // 'range=7d'
 * ```
 */

/** The preset ranges, shortest first, with their length in milliseconds. */
export const RANGE_PRESETS = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '6h': 6 * 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
  '30d': 30 * 24 * 60 * 60_000,
  '90d': 90 * 24 * 60 * 60_000,
} as const

/** A preset name. */
export type RangePreset = keyof typeof RANGE_PRESETS

/** The range used when the URL names none. */
export const DEFAULT_RANGE: RangePreset = '24h'

/** A resolved time range. */
export interface TimeRange {
  /** The preset, or 'custom' for from/to. */
  key: RangePreset | 'custom'
  from: Date
  to: Date
  /** Why the URL's range was not used, when it was not. */
  error?: string
}

/** Search params as Next hands them to a page. */
export type SearchParams = Record<string, string | string[] | undefined>

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Whether a string names a preset.
 *
 * @example
 * ```ts
 * isRangePreset('7d') // true
 * ```
 */
export function isRangePreset(value: string | undefined): value is RangePreset {
  return value !== undefined && Object.hasOwn(RANGE_PRESETS, value)
}

/**
 * The range of a page's search params (see the module doc).
 *
 * @example
 * ```ts
 * parseTimeRange({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }).key // 'custom'
 * ```
 */
export function parseTimeRange(params: SearchParams, now: Date = new Date()): TimeRange {
  const from = first(params.from)
  const to = first(params.to)
  if (from || to) {
    const start = from ? new Date(from) : undefined
    const end = to ? new Date(to) : now
    if (!start || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      return preset(DEFAULT_RANGE, now, 'from/to must both be ISO timestamps such as 2026-01-01T00:00:00Z')
    }
    if (start >= end) return preset(DEFAULT_RANGE, now, '`from` must be before `to`')
    return { key: 'custom', from: start, to: end }
  }
  const name = first(params.range)
  if (name === undefined) return preset(DEFAULT_RANGE, now)
  if (!isRangePreset(name)) {
    return preset(DEFAULT_RANGE, now, `unknown range '${name}': use one of ${Object.keys(RANGE_PRESETS).join(', ')}`)
  }
  return preset(name, now)
}

function preset(key: RangePreset, now: Date, error?: string): TimeRange {
  const range: TimeRange = { key, from: new Date(now.getTime() - RANGE_PRESETS[key]), to: now }
  if (error) range.error = error
  return range
}

/**
 * The query string that reproduces a range (`range=7d`, or `from=...&to=...`).
 *
 * @example
 * ```ts
 * `/env/production/pool?${rangeQuery(range)}`
 * ```
 */
export function rangeQuery(range: TimeRange): string {
  if (range.key !== 'custom') return `range=${range.key}`
  return `from=${encodeURIComponent(range.from.toISOString())}&to=${encodeURIComponent(range.to.toISOString())}`
}

/**
 * The length of a range in minutes (at least 1).
 *
 * @example
 * ```ts
 * rangeMinutes(parseTimeRange({ range: '1h' })) // 60
 * ```
 */
export function rangeMinutes(range: TimeRange): number {
  return Math.max(1, (range.to.getTime() - range.from.getTime()) / 60_000)
}
