/**
 * The queries page and the query detail page: templates of an environment sorted by total time,
 * with count, p50/p95 (from the merged histograms), max, errors and the routes they run on; the
 * history of one template; the same template in the other environments.
 *
 * @example
 * ```ts
 * const templates = await topTemplates('production', range)
 * const detail = await templateHistory('production', templates[0].fingerprint, range)
 * ```
 */
import { ensureDatabase } from '../db'
import { QueryTemplate, Service } from '../models'
import { addHistogramsInto, emptyHistogram, percentileFromHistogram } from '../rollups'
import { type RollupRow, readRollups } from './rollup-reader'
import type { TimeRange } from './time-range'

/** Totals of a set of rollup rows. */
export interface TemplateStats {
  count: number
  totalMs: number
  maxMs: number
  errors: number
  p50Ms: number | null
  p95Ms: number | null
}

/** One row of the templates table. */
export interface TemplateRow extends TemplateStats {
  fingerprint: string
  template: string
  aliases: string[]
  routes: string[]
}

/**
 * Sums rollup rows: counts, totals and histograms add up, max is the max, percentiles come from the
 * merged histogram.
 *
 * @example
 * ```ts
 * summarize(rows).p95Ms
 * ```
 */
export function summarize(rows: readonly RollupRow[]): TemplateStats {
  const histogram = emptyHistogram()
  const stats = { count: 0, totalMs: 0, maxMs: 0, errors: 0 }
  for (const row of rows) {
    stats.count += Number(row.count)
    stats.totalMs += Number(row.total_ms)
    stats.maxMs = Math.max(stats.maxMs, Number(row.max_ms))
    stats.errors += Number(row.errors)
    addHistogramsInto(histogram, row.histogram)
  }
  return {
    ...stats,
    p50Ms: percentileFromHistogram(histogram, 0.5, stats.maxMs),
    p95Ms: percentileFromHistogram(histogram, 0.95, stats.maxMs),
  }
}

/**
 * The text of each fingerprint.
 *
 * @example
 * ```ts
 * (await templateTexts(['0123456789abcdef'])).get('0123456789abcdef')
 * ```
 */
export async function templateTexts(fingerprints: readonly string[]): Promise<Map<string, string>> {
  await ensureDatabase()
  const texts = new Map<string, string>()
  if (fingerprints.length === 0) return texts
  for (let i = 0; i < fingerprints.length; i += 500) {
    const rows = (await QueryTemplate.objects
      .filter({ fingerprint__in: fingerprints.slice(i, i + 500) })
      .values('fingerprint', 'template')) as unknown as { fingerprint: string; template: string }[]
    for (const row of rows) texts.set(row.fingerprint, row.template)
  }
  return texts
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = groups.get(k)
    if (list) list.push(row)
    else groups.set(k, [row])
  }
  return groups
}

/**
 * The templates of an environment in a range, most total time first.
 *
 * @example
 * ```ts
 * await topTemplates('production', range, { limit: 100, route: '/articles/{id}' })
 * ```
 */
export async function topTemplates(
  env: string,
  range: TimeRange,
  options: { limit?: number; route?: string; service?: string } = {},
): Promise<TemplateRow[]> {
  await ensureDatabase()
  const filter: Record<string, unknown> = { service__environment__name: env }
  if (options.route !== undefined) filter.route = options.route
  if (options.service !== undefined) filter.service__name = options.service
  const rows = await readRollups(filter, range)
  const groups = groupBy(rows, (r) => r.fingerprint)
  const texts = await templateTexts([...groups.keys()])
  const result: TemplateRow[] = [...groups.entries()].map(([fingerprint, list]) => ({
    fingerprint,
    template: texts.get(fingerprint) ?? '(template text not received)',
    aliases: [...new Set(list.map((r) => r.alias))].sort(),
    routes: [...new Set(list.map((r) => r.route).filter((r) => r !== ''))].sort(),
    ...summarize(list),
  }))
  return result.sort((a, b) => b.totalMs - a.totalMs).slice(0, options.limit ?? 200)
}

/** One point of a template's history. */
export interface TemplatePoint extends TemplateStats {
  t: number
}

/**
 * The history of one template in an environment: one point per rollup bucket.
 *
 * @example
 * ```ts
 * const points = await templateHistory('production', fingerprint, range)
 * ```
 */
export async function templateHistory(env: string, fingerprint: string, range: TimeRange): Promise<TemplatePoint[]> {
  const rows = await readRollups({ service__environment__name: env, fingerprint }, range)
  const buckets = groupBy(rows, (r) => String(r.bucket_start.getTime()))
  return [...buckets.entries()].map(([t, list]) => ({ t: Number(t), ...summarize(list) })).sort((a, b) => a.t - b.t)
}

/** One route a template runs on. */
export interface TemplateRoute extends TemplateStats {
  service: string
  route: string
}

/**
 * The routes ("found in") of one template, most total time first.
 *
 * @example
 * ```ts
 * await templateRoutes('production', fingerprint, range)
 * ```
 */
export async function templateRoutes(env: string, fingerprint: string, range: TimeRange): Promise<TemplateRoute[]> {
  const rows = await readRollups({ service__environment__name: env, fingerprint }, range)
  const groups = groupBy(rows, (r) => `${r.service__name}\u0000${r.route}`)
  return [...groups.values()]
    .map((list) => ({ service: list[0]?.service__name ?? '', route: list[0]?.route ?? '', ...summarize(list) }))
    .sort((a, b) => b.totalMs - a.totalMs)
}

/** The same template in another environment. */
export interface TemplateElsewhere extends TemplateStats {
  environment: string
}

/**
 * The same template in every environment (including `env`), for the comparison table.
 *
 * @example
 * ```ts
 * await templateAcrossEnvironments(fingerprint, range)
 * ```
 */
export async function templateAcrossEnvironments(fingerprint: string, range: TimeRange): Promise<TemplateElsewhere[]> {
  await ensureDatabase()
  const rows = await readRollups({ fingerprint }, range)
  const services = (await Service.objects
    .filter({ id__in: [...new Set(rows.map((r) => r.service))] })
    .values('id', 'environment__name')) as unknown as { id: number; environment__name: string }[]
  const envOf = new Map(services.map((s) => [Number(s.id), s.environment__name]))
  const groups = groupBy(rows, (r) => envOf.get(Number(r.service)) ?? '?')
  return [...groups.entries()]
    .map(([environment, list]) => ({ environment, ...summarize(list) }))
    .sort((a, b) => a.environment.localeCompare(b.environment))
}
