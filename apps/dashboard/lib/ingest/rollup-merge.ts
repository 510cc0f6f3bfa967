/**
 * Merging 1-minute query windows into the 1m, 1h and 1d rollup rows. Items of one batch are first
 * added up per row key in memory; then each resolution is one multi-row upsert whose conflict
 * branch sums count, total, errors and the histogram slot by slot (in SQL, against the stored row)
 * and keeps the max of max. The database does the read-modify-write under the row's lock, so
 * concurrent batches never lose a sum on PostgreSQL or SQLite; rows are sent in key order so two
 * batches lock shared rows in the same order.
 *
 * @example
 * ```ts
 * const rows = rollupRowsOf(serviceId, rollupItems)
 * await upsertRollups(rows)
 * ```
 */
import { getConnection, type Vendor } from '@dorm/engine'
import type { QueryRollupItem } from '@dorm/engine/contrib/telemetry'
import { QueryRollup } from '../models'
import { addHistogramsInto, bucketStart, emptyHistogram, RESOLUTIONS, type Resolution } from '../rollups'
import { columnOf, insertStatements, quoteName } from './sql-rows'

/** One rollup row to merge into the store. */
export interface RollupRow {
  serviceId: number
  alias: string
  route: string
  fingerprint: string
  resolution: Resolution
  bucketStart: Date
  count: number
  totalMs: number
  maxMs: number
  errors: number
  histogram: number[]
}

const KEY_FIELDS = ['service', 'alias', 'route', 'fingerprint', 'resolution', 'bucket_start'] as const
const FIELDS = [...KEY_FIELDS, 'count', 'total_ms', 'max_ms', 'errors', 'histogram'] as const

function compareRows(a: RollupRow, b: RollupRow): number {
  return (
    a.serviceId - b.serviceId ||
    (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0) ||
    (a.route < b.route ? -1 : a.route > b.route ? 1 : 0) ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) ||
    a.bucketStart.getTime() - b.bucketStart.getTime()
  )
}

/**
 * The rows of every resolution for a service's rollup items, added up per row key and sorted by
 * key within each resolution. A window is counted in the bucket holding its start.
 *
 * @example
 * ```ts
 * const rows = rollupRowsOf(7, items)
 * rows.filter((row) => row.resolution === '1h') // one per (alias, route, fingerprint, hour)
 * ```
 */
export function rollupRowsOf(serviceId: number, items: readonly QueryRollupItem[]): Map<Resolution, RollupRow[]> {
  const out = new Map<Resolution, RollupRow[]>()
  for (const resolution of RESOLUTIONS) {
    const byKey = new Map<string, RollupRow>()
    for (const item of items) {
      const start = bucketStart(new Date(item.window_start), resolution)
      const route = item.route ?? ''
      const key = `${item.alias}\u0000${route}\u0000${item.fingerprint}\u0000${start.getTime()}`
      let row = byKey.get(key)
      if (row === undefined) {
        row = {
          serviceId,
          alias: item.alias,
          route,
          fingerprint: item.fingerprint,
          resolution,
          bucketStart: start,
          count: 0,
          totalMs: 0,
          maxMs: 0,
          errors: 0,
          histogram: emptyHistogram(),
        }
        byKey.set(key, row)
      }
      row.count += item.count
      row.totalMs += item.total_ms
      row.maxMs = Math.max(row.maxMs, item.max_ms)
      row.errors += item.errors
      addHistogramsInto(row.histogram, item.histogram)
    }
    out.set(resolution, [...byKey.values()].sort(compareRows))
  }
  return out
}

/**
 * The SQL expression adding the stored histogram and the incoming one slot by slot. It walks the
 * stored array and reads the incoming slot by position (both are HISTOGRAM_SLOTS long: the schema
 * checks every item); a join of the two expanded arrays costs about five times more on SQLite.
 *
 * @example
 * ```ts
 * histogramSumSql('sqlite', '"dashboard_queryrollup"."histogram"', 'excluded."histogram"')
 * ```
 */
export function histogramSumSql(vendor: Vendor, stored: string, incoming: string): string {
  if (vendor === 'postgresql') {
    return (
      `(SELECT jsonb_agg(a.v::numeric + COALESCE((${incoming} ->> (a.i - 1)::int)::numeric, 0) ORDER BY a.i) ` +
      `FROM jsonb_array_elements_text(${stored}) WITH ORDINALITY AS a(v, i))`
    )
  }
  return (
    `(SELECT json_group_array(a.value + COALESCE(json_extract(${incoming}, '$[' || a.key || ']'), 0) ORDER BY a.key) ` +
    `FROM json_each(${stored}) AS a)`
  )
}

/** The ON CONFLICT clause merging an incoming row into the stored one. */
function mergeClause(vendor: Vendor): string {
  const table = quoteName(QueryRollup.meta.dbTable)
  const column = (name: string) => columnOf(QueryRollup, name)
  const stored = (name: string) => `${table}.${column(name)}`
  const incoming = (name: string) => `${vendor === 'postgresql' ? 'EXCLUDED' : 'excluded'}.${column(name)}`
  const greatest = vendor === 'postgresql' ? 'GREATEST' : 'max'
  const sums = ['count', 'total_ms', 'errors'].map((name) => `${column(name)} = ${stored(name)} + ${incoming(name)}`)
  return (
    `ON CONFLICT (${KEY_FIELDS.map(column).join(', ')}) DO UPDATE SET ${sums.join(', ')}, ` +
    `${column('max_ms')} = ${greatest}(${stored('max_ms')}, ${incoming('max_ms')}), ` +
    `${column('histogram')} = ${histogramSumSql(vendor, stored('histogram'), incoming('histogram'))}`
  )
}

/**
 * Merges rows into the store, one statement per resolution (and per 500 rows). Run it inside the
 * batch's transaction.
 *
 * @example
 * ```ts
 * await atomic(() => upsertRollups(rollupRowsOf(serviceId, items)))
 * ```
 */
export async function upsertRollups(rows: Map<Resolution, RollupRow[]>): Promise<void> {
  const connection = getConnection()
  const clause = mergeClause(connection.vendor)
  for (const resolution of RESOLUTIONS) {
    const list = rows.get(resolution) ?? []
    if (list.length === 0) continue
    const values = list.map((row) => [
      row.serviceId,
      row.alias,
      row.route,
      row.fingerprint,
      row.resolution,
      row.bucketStart,
      row.count,
      row.totalMs,
      row.maxMs,
      row.errors,
      row.histogram,
    ])
    for (const { sql, params } of insertStatements(connection.vendor, QueryRollup, FIELDS, values, clause)) {
      await connection.execute(sql, params)
    }
  }
}
