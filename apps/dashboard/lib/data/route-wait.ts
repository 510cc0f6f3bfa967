/**
 * Per-route pool wait from the request samples: how long requests of each route waited for a
 * connection (a sample, plus every slow, N+1 and over-budget request, so the numbers describe the
 * kept requests, not every request).
 *
 * @example
 * ```ts
 * const routes = await routePoolWait('production', range)
 * routes[0] // { method: 'GET', route: '/articles/{id}', requests: 40, p95WaitMs: 180, ... }
 * ```
 */
import { ensureDatabase } from '../db'
import { RequestSample } from '../models'
import type { TimeRange } from './time-range'

/** Pool wait of one route. */
export interface RoutePoolWait {
  service: string
  method: string
  route: string
  requests: number
  totalWaitMs: number
  avgWaitMs: number
  p95WaitMs: number
  maxWaitMs: number
}

/**
 * The nearest-rank q-quantile of numbers (sorted or not).
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5) // 2
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}

/**
 * Pool wait per (service, method, route), most total wait first.
 *
 * @example
 * ```ts
 * await routePoolWait(env, range, { limit: 20 })
 * ```
 */
export async function routePoolWait(
  env: string,
  range: TimeRange,
  options: { limit?: number } = {},
): Promise<RoutePoolWait[]> {
  await ensureDatabase()
  const rows = (await RequestSample.objects
    .filter({ service__environment__name: env, at__gte: range.from, at__lte: range.to } as never)
    .values('service__name', 'method', 'route', 'pool_wait_ms')) as unknown as {
    service__name: string
    method: string
    route: string
    pool_wait_ms: number
  }[]
  const groups = new Map<string, { service: string; method: string; route: string; waits: number[] }>()
  for (const row of rows) {
    const key = `${row.service__name}\u0000${row.method}\u0000${row.route}`
    let group = groups.get(key)
    if (!group) {
      group = { service: row.service__name, method: row.method, route: row.route, waits: [] }
      groups.set(key, group)
    }
    group.waits.push(Number(row.pool_wait_ms))
  }
  const result = [...groups.values()].map(({ service, method, route, waits }) => {
    const total = waits.reduce((a, b) => a + b, 0)
    return {
      service,
      method,
      route,
      requests: waits.length,
      totalWaitMs: total,
      avgWaitMs: total / waits.length,
      p95WaitMs: quantile(waits, 0.95),
      maxWaitMs: Math.max(...waits),
    }
  })
  return result.sort((a, b) => b.totalWaitMs - a.totalWaitMs).slice(0, options.limit ?? 50)
}
