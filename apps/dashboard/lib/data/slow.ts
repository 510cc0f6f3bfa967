/**
 * The slow log: statements over SLOW_QUERY_MS as the services reported them (template only, never
 * params), newest first, and the same grouped by template.
 *
 * @example
 * ```ts
 * const { entries, templates } = await slowLog('production', range)
 * ```
 */
import { ensureDatabase } from '../db'
import { SlowQuery } from '../models'
import { templateTexts } from './queries'
import type { TimeRange } from './time-range'

/** One slow statement. */
export interface SlowEntry {
  id: number
  service: string
  alias: string
  route: string
  fingerprint: string
  template: string
  at: Date
  elapsedMs: number
  thresholdMs: number
  error: string | null
}

/** The slow statements of one template. */
export interface SlowTemplate {
  fingerprint: string
  template: string
  count: number
  maxMs: number
  lastAt: Date
}

/**
 * The newest slow statements (at most `limit`, 200 by default) and their grouping by template
 * (over every slow statement of the range).
 *
 * @example
 * ```ts
 * await slowLog(env, range, { limit: 50 })
 * ```
 */
export async function slowLog(
  env: string,
  range: TimeRange,
  options: { limit?: number } = {},
): Promise<{ entries: SlowEntry[]; templates: SlowTemplate[] }> {
  await ensureDatabase()
  const rows = (await SlowQuery.objects
    .filter({ service__environment__name: env, at__gte: range.from, at__lte: range.to } as never)
    .orderBy('-at', '-id')
    .values(
      'id',
      'service__name',
      'alias',
      'route',
      'fingerprint',
      'at',
      'elapsed_ms',
      'threshold_ms',
      'error',
    )) as unknown as {
    id: number
    service__name: string
    alias: string
    route: string
    fingerprint: string
    at: Date
    elapsed_ms: number
    threshold_ms: number
    error: string | null
  }[]
  const texts = await templateTexts([...new Set(rows.map((r) => r.fingerprint))])
  const groups = new Map<string, SlowTemplate>()
  for (const row of rows) {
    const at = new Date(row.at)
    const group = groups.get(row.fingerprint)
    if (group) {
      group.count += 1
      group.maxMs = Math.max(group.maxMs, row.elapsed_ms)
      if (at > group.lastAt) group.lastAt = at
    } else {
      groups.set(row.fingerprint, {
        fingerprint: row.fingerprint,
        template: texts.get(row.fingerprint) ?? '(template text not received)',
        count: 1,
        maxMs: row.elapsed_ms,
        lastAt: at,
      })
    }
  }
  const entries = rows.slice(0, options.limit ?? 200).map((row) => ({
    id: Number(row.id),
    service: row.service__name,
    alias: row.alias,
    route: row.route,
    fingerprint: row.fingerprint,
    template: texts.get(row.fingerprint) ?? '(template text not received)',
    at: new Date(row.at),
    elapsedMs: Number(row.elapsed_ms),
    thresholdMs: Number(row.threshold_ms),
    error: row.error,
  }))
  return { entries, templates: [...groups.values()].sort((a, b) => b.count - a.count) }
}
