/**
 * Operations routes: `GET /healthz` (readiness and observability in one, the seed's "Health
 * checks": `healthCheck({ deep: true })` never throws, so the probe always gets an answer; 200
 * when the primary answers, else 503), `GET /metrics` (Prometheus text) and the dev-only
 * `GET /debug/explain` (the seed's "EXPLAIN ... wire it into a dev-only endpoint").
 *
 * @example
 * ```ts
 * registerOpsRoutes(router, runtime)
 * ```
 */
import { getConnection, healthCheck, poolStats } from '@dorm/engine'
import { notFound, sendJson } from '../http/responses.js'
import type { RouteContext, Router } from '../http/router.js'
import { Product } from '../models.js'
import { observability } from '../observability.js'
import type { ShopRuntime } from '../runtime.js'
import { PRIMARY, REPLICA } from '../settings.js'

function healthz(runtime: ShopRuntime) {
  return async ({ res }: RouteContext): Promise<void> => {
    const primary = await healthCheck({ alias: PRIMARY, deep: true, timeoutMs: 2000 })
    const body: Record<string, unknown> = { ...primary, pool_compact: getConnection(PRIMARY).poolStats() }
    if (runtime.analyticsAlias === REPLICA) {
      const replica = await healthCheck({ alias: REPLICA, timeoutMs: 2000 })
      body.replica = { ...replica, pool: poolStats(REPLICA) }
    }
    if (runtime.replication !== undefined) body.replication = runtime.replication.status()
    if (runtime.lagRouter !== undefined) body.replication = runtime.lagRouter.snapshot()
    // a replica in trouble degrades reads (the router deflects to the primary); only the primary decides readiness
    sendJson(res, primary.status === 'ok' ? 200 : 503, body)
  }
}

async function metrics({ req, res }: RouteContext): Promise<void> {
  await observability().metrics.metricsHandler(req, res)
}

function explain(runtime: ShopRuntime) {
  return async ({ res, url }: RouteContext): Promise<void> => {
    if (!runtime.devEndpoints) throw notFound('no route GET /debug/explain (dev-only; NODE_ENV=production hides it)')
    const slug = url.searchParams.get('category') ?? 'garden'
    const query = Product.objects.selectRelated('category').filter({ category__slug: slug }).limit(20)
    sendJson(res, 200, { sql: query.toSQL().sql, plan: await query.explain({ analyze: true }) })
  }
}

/**
 * Adds the operations routes.
 *
 * @example
 * ```ts
 * registerOpsRoutes(new Router(), runtime)
 * ```
 */
export function registerOpsRoutes(router: Router, runtime: ShopRuntime): void {
  router
    .add('GET', '/healthz', healthz(runtime))
    .add('GET', '/metrics', metrics)
    .add('GET', '/debug/explain', explain(runtime))
}

/** Paths served without a pinned connection: probes and scrapes must answer while the pool is saturated. */
export const OPS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics'])
