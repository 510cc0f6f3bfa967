/**
 * Reads query rollups for a time range at the coarsest resolution that keeps the row count small:
 * minutes for ranges up to 6 hours, hours up to 14 days, days beyond. The part of the range not yet
 * rolled up to that resolution (the current hour or day) is read from the finer rollups, so recent
 * data shows at once and nothing is counted twice.
 *
 * @example
 * ```ts
 * const rows = await readRollups({ service__environment__name: 'production' }, range)
 * ```
 */
import { QueryRollup } from '../models'
import { bucketStart, type Resolution, resolutionMs } from '../rollups'
import type { TimeRange } from './time-range'

/** One rollup row as the pages use it. */
export interface RollupRow {
  service: number
  service__name: string
  alias: string
  route: string
  fingerprint: string
  resolution: Resolution
  bucket_start: Date
  count: number
  total_ms: number
  max_ms: number
  errors: number
  histogram: unknown
}

const FIELDS = [
  'service',
  'service__name',
  'alias',
  'route',
  'fingerprint',
  'resolution',
  'bucket_start',
  'count',
  'total_ms',
  'max_ms',
  'errors',
  'histogram',
] as const

/**
 * The resolution read for a range: 1m up to 6 h, 1h up to 14 days, else 1d.
 *
 * @example
 * ```ts
 * resolutionFor(range) // '1h' for 7d
 * ```
 */
export function resolutionFor(range: TimeRange): Resolution {
  const length = range.to.getTime() - range.from.getTime()
  if (length <= 6 * 3_600_000) return '1m'
  if (length <= 14 * 86_400_000) return '1h'
  return '1d'
}

/**
 * The rollup rows of `filter` (ORM lookups on QueryRollup) within `range` (see the module doc).
 * `options.resolution` picks the resolution instead (e.g. minutes around a deploy, so no hour
 * bucket straddles it).
 *
 * @example
 * ```ts
 * await readRollups({ service__environment__name: env, fingerprint }, range)
 * ```
 */
export async function readRollups(
  filter: Record<string, unknown>,
  range: TimeRange,
  options: { resolution?: Resolution } = {},
): Promise<RollupRow[]> {
  const wanted = options.resolution ?? resolutionFor(range)
  const ladder: Resolution[] = wanted === '1d' ? ['1d', '1h', '1m'] : wanted === '1h' ? ['1h', '1m'] : ['1m']
  const rows: RollupRow[] = []
  let cursor = bucketStart(range.from, wanted)
  for (const [step, resolution] of ladder.entries()) {
    const last = step === ladder.length - 1
    const found = (await QueryRollup.objects
      .filter({ ...filter, resolution, bucket_start__gte: cursor, bucket_start__lte: range.to } as never)
      .values(...FIELDS)) as unknown as RollupRow[]
    if (found.length === 0) continue
    let newest = cursor
    for (const row of found) {
      const start = new Date(row.bucket_start)
      row.bucket_start = start
      row.count = Number(row.count)
      row.errors = Number(row.errors)
      rows.push(row)
      if (start > newest) newest = start
    }
    if (last) break
    // finer rows only after the newest coarse bucket
    cursor = new Date(newest.getTime() + resolutionMs(resolution))
  }
  return rows
}
