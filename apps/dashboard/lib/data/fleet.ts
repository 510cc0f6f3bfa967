/**
 * The fleet grid: one row per (environment, service) with health (ok, error, or stale when the
 * service sent nothing for 5 minutes), pool saturation now (in use / max and waiting, summed over
 * the latest report of each alias and instance), slow queries per minute over the range, and per
 * environment the last deploy and its drift.
 *
 * @example
 * ```ts
 * const fleet = await fleetOverview(parseTimeRange({ range: '24h' }))
 * fleet[0].services[0].health // 'ok' | 'error' | 'stale'
 * ```
 */
import { Count } from '@dorm/engine'
import { ensureDatabase } from '../db'
import { Deployment, Environment, HealthSample, PoolSample, Service, SlowQuery } from '../models'
import { rangeMinutes, type TimeRange } from './time-range'

/** A service counts as stale after this long without a report. */
export const STALE_AFTER_MS = 5 * 60_000

/** Health of a service as the grid shows it. */
export type ServiceHealth = 'ok' | 'error' | 'stale'

/** Pool state summed over the latest report of each alias and instance. */
export interface PoolNow {
  inUse: number
  max: number
  waiting: number
  /** in use / max, 0..1, or null without a recent report. */
  saturation: number | null
}

/** One cell row of the grid. */
export interface FleetService {
  environment: string
  service: string
  health: ServiceHealth
  /** The error of the failing alias, when health is 'error'. */
  healthError: string | null
  lastSeenAt: Date
  pool: PoolNow
  slowPerMinute: number
}

/** The last deploy of an environment. */
export interface DeploySummary {
  id: number
  status: string
  gitSha: string | null
  finishedAt: Date
  drift: boolean | null
}

/** One environment of the grid. */
export interface FleetEnvironment {
  name: string
  services: FleetService[]
  lastDeploy: DeploySummary | null
}

interface HealthRow {
  service: number
  alias: string
  at: Date | string
  status: string
  error: string | null
}

interface PoolRow {
  service: number
  alias: string
  instance: string
  at: Date | string
  max: number
  in_use: number
  waiting: number
}

function latestBy<T extends { at: Date | string }>(rows: T[], key: (row: T) => string): Map<string, T> {
  const latest = new Map<string, T>()
  for (const row of rows) {
    const k = key(row)
    const seen = latest.get(k)
    if (!seen || new Date(row.at) > new Date(seen.at)) latest.set(k, row)
  }
  return latest
}

/**
 * The last deploy of one environment, or null.
 *
 * @example
 * ```ts
 * const deploy = await lastDeploy(environmentId)
 * ```
 */
export async function lastDeploy(environmentId: number): Promise<DeploySummary | null> {
  const row = await Deployment.objects
    .filter({ environment__id: environmentId } as never)
    .orderBy('-finished_at', '-id')
    .first()
  if (!row) return null
  return {
    id: Number(row.id),
    status: row.status,
    gitSha: row.git_sha,
    finishedAt: new Date(row.finished_at),
    drift: row.drift,
  }
}

/**
 * The grid (see the module doc), for every environment or only `options.environment`.
 *
 * @example
 * ```ts
 * await fleetOverview(range, { environment: 'staging' })
 * ```
 */
export async function fleetOverview(
  range: TimeRange,
  options: { environment?: string; now?: Date } = {},
): Promise<FleetEnvironment[]> {
  await ensureDatabase()
  const now = options.now ?? new Date()
  const recent = new Date(now.getTime() - STALE_AFTER_MS)
  const envFilter = options.environment ? { name: options.environment } : {}
  const serviceFilter = options.environment ? { environment__name: options.environment } : {}

  const [environments, services] = await Promise.all([
    Environment.objects.filter(envFilter).orderBy('name').values('id', 'name'),
    Service.objects.filter(serviceFilter).orderBy('name').values('id', 'name', 'environment', 'last_seen_at'),
  ])
  // service__in + at: served by the (service, at) indexes, however long the history
  const ids = (services as unknown as { id: number }[]).map((s) => Number(s.id))
  const byService = { service__in: ids }
  const [health, pools, slow] = await Promise.all([
    HealthSample.objects
      .filter({ ...byService, at__gte: recent } as never)
      .values('service', 'alias', 'at', 'status', 'error'),
    PoolSample.objects
      .filter({ ...byService, at__gte: recent } as never)
      .values('service', 'alias', 'instance', 'at', 'max', 'in_use', 'waiting'),
    SlowQuery.objects
      .filter({ ...byService, at__gte: range.from, at__lte: range.to } as never)
      .values('service')
      .annotate({ n: Count('id') }),
  ])

  const latestHealth = latestBy(health as unknown as HealthRow[], (r) => `${r.service}\u0000${r.alias}`)
  const latestPool = latestBy(pools as unknown as PoolRow[], (r) => `${r.service}\u0000${r.alias}\u0000${r.instance}`)
  const slowByService = new Map<number, number>()
  for (const row of slow as unknown as { service: number; n: number }[])
    slowByService.set(Number(row.service), Number(row.n))
  const minutes = rangeMinutes(range)

  const byEnvironment = new Map<number, FleetService[]>()
  const envNames = new Map<number, string>()
  for (const env of environments as unknown as { id: number; name: string }[]) {
    envNames.set(Number(env.id), env.name)
    byEnvironment.set(Number(env.id), [])
  }
  for (const service of services as unknown as {
    id: number
    name: string
    environment: number
    last_seen_at: Date
  }[]) {
    const id = Number(service.id)
    const lastSeenAt = new Date(service.last_seen_at)
    const failing = [...latestHealth.values()].find((h) => Number(h.service) === id && h.status !== 'ok')
    const pool: PoolNow = { inUse: 0, max: 0, waiting: 0, saturation: null }
    for (const sample of latestPool.values()) {
      if (Number(sample.service) !== id) continue
      pool.inUse += Number(sample.in_use)
      pool.max += Number(sample.max)
      pool.waiting += Number(sample.waiting)
    }
    if (pool.max > 0) pool.saturation = pool.inUse / pool.max
    const stale = lastSeenAt.getTime() < recent.getTime()
    byEnvironment.get(Number(service.environment))?.push({
      environment: envNames.get(Number(service.environment)) ?? '',
      service: service.name,
      health: stale ? 'stale' : failing ? 'error' : 'ok',
      healthError: !stale && failing ? `${failing.alias}: ${failing.error ?? 'failed'}` : null,
      lastSeenAt,
      pool,
      slowPerMinute: (slowByService.get(id) ?? 0) / minutes,
    })
  }

  // one indexed lookup per environment, one after the other: all at once would take every pooled
  // connection on PostgreSQL for a page view
  const rows = []
  for (const [id, fleetServices] of byEnvironment) {
    rows.push({ name: envNames.get(id) ?? '', services: fleetServices, lastDeploy: await lastDeploy(id) })
  }
  return rows
}
