/**
 * The environment overview: status boxes (services and their health, pool now, slow statements,
 * N+1 routes, events by type, the last deploy with its lint findings and drift) and the top
 * templates, each linking to its page.
 *
 * @example
 * ```ts
 * const overview = await environmentOverview('production', range)
 * overview.events // { pool_timeout: 3, retry: 12 }
 * ```
 */
import { Count } from '@dorm/engine'
import { ensureDatabase } from '../db'
import { EventRecord, SlowQuery } from '../models'
import { type FleetEnvironment, fleetOverview } from './fleet'
import { nPlusOneFindings } from './nplusone'
import { type TemplateRow, topTemplates } from './queries'
import type { TimeRange } from './time-range'

/** What the overview shows. */
export interface EnvironmentOverview {
  fleet: FleetEnvironment | null
  slowCount: number
  nPlusOneRoutes: number
  events: Record<string, number>
  topTemplates: TemplateRow[]
}

/**
 * The overview of one environment.
 *
 * @example
 * ```ts
 * await environmentOverview('staging', range)
 * ```
 */
export async function environmentOverview(env: string, range: TimeRange): Promise<EnvironmentOverview> {
  await ensureDatabase()
  const within = { service__environment__name: env, at__gte: range.from, at__lte: range.to }
  const [fleet, slowCount, findings, eventRows, templates] = await Promise.all([
    fleetOverview(range, { environment: env }),
    SlowQuery.objects.filter(within as never).count(),
    nPlusOneFindings(env, range),
    EventRecord.objects
      .filter(within as never)
      .values('type')
      .annotate({ n: Count('id') }),
    topTemplates(env, range, { limit: 5 }),
  ])
  const events: Record<string, number> = {}
  for (const row of eventRows as unknown as { type: string; n: number }[]) events[row.type] = Number(row.n)
  return {
    fleet: fleet[0] ?? null,
    slowCount,
    nPlusOneRoutes: new Set(findings.map((f) => `${f.method} ${f.route}`)).size,
    events,
    topTemplates: templates,
  }
}
