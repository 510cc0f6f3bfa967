/**
 * The SQL text of each template fingerprint, stored once (shared by every environment and
 * service): rollups, slow queries and N+1 findings carry it, the store keeps the first text seen
 * and the rows refer to the fingerprint only.
 *
 * @example
 * ```ts
 * await upsertTemplates({ query_rollup: rollups, slow_query: slow, request: requests }, new Date())
 * ```
 */
import { getConnection } from '@dorm/engine'
import type { QueryRollupItem, RequestItem, SlowQueryItem } from '@dorm/engine/contrib/telemetry'
import { QueryTemplate } from '../models'
import { columnOf, insertStatements } from './sql-rows'

/**
 * Fingerprint -> template text of the items, sorted by fingerprint.
 *
 * @example
 * ```ts
 * templatesOf({ query_rollup: [item], slow_query: [], request: [] }) // [['3f2a…', 'SELECT ...']]
 * ```
 */
export function templatesOf(items: {
  query_rollup: readonly QueryRollupItem[]
  slow_query: readonly SlowQueryItem[]
  request: readonly RequestItem[]
}): Array<[fingerprint: string, template: string]> {
  const texts = new Map<string, string>()
  for (const item of items.query_rollup) if (!texts.has(item.fingerprint)) texts.set(item.fingerprint, item.template)
  for (const item of items.slow_query) if (!texts.has(item.fingerprint)) texts.set(item.fingerprint, item.template)
  for (const request of items.request) {
    for (const finding of request.nplusone) {
      if (!texts.has(finding.fingerprint)) texts.set(finding.fingerprint, finding.template)
    }
  }
  return [...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Inserts the templates not stored yet (in fingerprint order, so concurrent batches wait for each
 * other instead of deadlocking).
 *
 * @example
 * ```ts
 * await atomic(() => upsertTemplates(kinds, new Date()))
 * ```
 */
export async function upsertTemplates(items: Parameters<typeof templatesOf>[0], now: Date): Promise<void> {
  const templates = templatesOf(items)
  if (templates.length === 0) return
  const connection = getConnection()
  const rows = templates.map(([fingerprint, template]) => [fingerprint, template, now])
  const suffix = `ON CONFLICT (${columnOf(QueryTemplate, 'fingerprint')}) DO NOTHING`
  const fields = ['fingerprint', 'template', 'first_seen_at']
  for (const { sql, params } of insertStatements(connection.vendor, QueryTemplate, fields, rows, suffix)) {
    await connection.execute(sql, params)
  }
}
