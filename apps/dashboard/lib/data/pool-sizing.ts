/**
 * The sizing check of the pool page: for each alias, MAX_POOL_SIZE (the `max` reported) times the
 * instances running it, against the server's max_connections when known. Instances
 * are the distinct PoolSample instances whose latest report is within 5 minutes of the newest one
 * (a restarted process gets a new instance id, so older ones are not counted).
 *
 * @example
 * ```ts
 * const rows = poolSizing(await poolRows(env, range))
 * rows[0].totalConnections // MAX_POOL_SIZE x instances
 * ```
 */
import type { PoolRow } from './pool'

/** Instances silent longer than this before the newest report are not counted. */
export const LIVE_INSTANCE_MS = 5 * 60_000

/** One alias of the sizing check. */
export interface PoolSizingRow {
  alias: string
  vendor: string
  services: string[]
  instances: number
  /** The largest MAX_POOL_SIZE reported by a live instance. */
  maxPoolSize: number
  /** Sum of MAX_POOL_SIZE over live instances. */
  totalConnections: number
  /** The server's max_connections, when known (telemetry schema v1 does not carry it: null). */
  serverMaxConnections: number | null
}

/**
 * The sizing check (see the module doc), one row per alias, PostgreSQL first.
 *
 * @example
 * ```ts
 * poolSizing(rows).filter((r) => r.serverMaxConnections !== null && r.totalConnections > r.serverMaxConnections)
 * ```
 */
export function poolSizing(rows: readonly PoolRow[]): PoolSizingRow[] {
  const latest = new Map<string, PoolRow>()
  let newest = 0
  for (const row of rows) {
    const key = `${row.alias}\u0000${row.service__name}\u0000${row.instance}`
    const seen = latest.get(key)
    if (!seen || row.at > seen.at) latest.set(key, row)
    newest = Math.max(newest, row.at.getTime())
  }
  const byAlias = new Map<string, PoolSizingRow>()
  for (const row of latest.values()) {
    if (newest - row.at.getTime() > LIVE_INSTANCE_MS) continue
    let entry = byAlias.get(row.alias)
    if (!entry) {
      entry = {
        alias: row.alias,
        vendor: row.vendor,
        services: [],
        instances: 0,
        maxPoolSize: 0,
        totalConnections: 0,
        serverMaxConnections: null,
      }
      byAlias.set(row.alias, entry)
    }
    if (!entry.services.includes(row.service__name)) entry.services.push(row.service__name)
    entry.instances += 1
    entry.maxPoolSize = Math.max(entry.maxPoolSize, row.max)
    entry.totalConnections += row.max
  }
  return [...byAlias.values()].sort(
    (a, b) =>
      (a.vendor === 'postgresql' ? 0 : 1) - (b.vendor === 'postgresql' ? 0 : 1) || a.alias.localeCompare(b.alias),
  )
}
