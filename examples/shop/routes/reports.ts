/**
 * Report routes, each showing one thing going wrong and the tool that catches it:
 *
 * - `GET /reports/sales`: the deliberately slow report. Its statement takes longer than
 *   SLOW_QUERY_MS (the slow-query WARNING on `dorm.db.backends.<vendor>`, docs/connections.md "The
 *   query pipeline") and runs under a statement budget (docs/resilience.md "Query budgets"). The
 *   headline numbers are an analytics read on the replica with the sticky window off.
 * - `GET /reports/customers-naive`: the deliberate N+1 (a ForeignKey read per row without
 *   selectRelated) inside an NPlusOneDetector and a queryCountGuard (docs/observability.md).
 * - `GET /reports/hold?ms=N`: holds the request's pinned connection for N ms (max 5000), so a burst
 *   of them saturates the primary's small pool (docs/resilience.md "Pinned connections").
 *
 * @example
 * ```ts
 * registerReportRoutes(router, runtime)
 * ```
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { budget, Count, getConnection, getLogger, Sum } from '@dorm/engine'
import { formatFinding, NPlusOneDetector } from '@dorm/engine/contrib/nplusone'
import { queryCountGuard } from '@dorm/engine/contrib/querycount'
import { currentPinStats } from '@dorm/engine/contrib/task-pool'
import { intParam } from '../http/request-input.js'
import { sendJson } from '../http/responses.js'
import type { RouteContext, Router } from '../http/router.js'
import { type Customer, Order } from '../models.js'
import { observability } from '../observability.js'
import type { ShopRuntime } from '../runtime.js'
import { PRIMARY } from '../settings.js'

const logger = getLogger('shop.reports')

/** Seconds the PostgreSQL sales statement pauses (it stands in for a scan of a large sales table). */
const PG_REPORT_PAUSE_S = 0.35
/** Rows the SQLite sales statement counts through for the same purpose (about 0.3-1 s). */
const SQLITE_REPORT_SPIN_ROWS = 1_500_000
/** Most orders the naive report lists. */
const NAIVE_REPORT_ORDERS = 25
/** Longest hold of /reports/hold. */
const MAX_HOLD_MS = 5000

function salesSql(vendor: string): { sql: string; params: unknown[] } {
  const totals = `SELECT c.name AS category, COUNT(DISTINCT l.order_id) AS orders,
      COALESCE(SUM(l.quantity * l.unit_price_cents), 0) AS revenue_cents
    FROM shop_category c
    LEFT JOIN shop_product p ON p.category_id = c.id
    LEFT JOIN shop_orderline l ON l.product_id = p.id`
  if (vendor === 'postgresql') {
    return {
      sql: `WITH pause AS (SELECT pg_sleep($1) AS slept) ${totals} CROSS JOIN pause GROUP BY c.name ORDER BY revenue_cents DESC, c.name`,
      params: [PG_REPORT_PAUSE_S],
    }
  }
  return {
    sql: `WITH RECURSIVE spin(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM spin WHERE n < ?),
      pause AS (SELECT COUNT(*) AS spun FROM spin)
      ${totals} CROSS JOIN pause GROUP BY c.name ORDER BY revenue_cents DESC, c.name`,
    params: [SQLITE_REPORT_SPIN_ROWS],
  }
}

function salesReport(runtime: ShopRuntime) {
  return async ({ res }: RouteContext): Promise<void> => {
    const alias = runtime.analyticsAlias
    // statement budget: on PostgreSQL a 5 s statement_timeout, everywhere at most 1000 rows a statement
    const body = await budget({ timeoutMs: 5000, maxRows: 1000, using: alias }, async () => {
      // analytics wants the replica even right after a write in this request: sticky off
      const headline = await Order.objects
        .using(alias, { sticky: false })
        .aggregate({ orders: Count('id'), revenue_cents: Sum('totalCents') })
      const connection = getConnection(alias)
      const { sql, params } = salesSql(connection.vendor)
      const { rows } = await connection.execute(sql, params)
      return {
        alias,
        orders: Number(headline.orders),
        revenue_cents: Number(headline.revenue_cents ?? 0),
        by_category: rows.map((row) => ({
          category: row.category,
          orders: Number(row.orders),
          revenue_cents: Number(row.revenue_cents),
        })),
      }
    })
    sendJson(res, 200, body)
  }
}

async function customersNaive({ res }: RouteContext): Promise<void> {
  const label = 'GET /reports/customers-naive'
  const threshold = 5
  const detector = new NPlusOneDetector({ threshold, raiseOnDetect: false })
  let queries = 0
  // the guard warns on dorm.querycount above QUERY_COUNT_WARN; the detector names the fix
  const { result: rows, findings } = await queryCountGuard({ label, onCount: (n) => (queries = n) }, () =>
    detector.detect(async () => {
      const orders = await Order.objects.all().limit(NAIVE_REPORT_ORDERS)
      const out = []
      for (const order of orders) {
        // the N+1: one query per order for its customer (the fix: selectRelated('customer'))
        const customer = (await order.related('customer')) as Customer
        out.push({
          order_id: order.id,
          customer_id: customer.id,
          customer: customer.name,
          total_cents: order.totalCents,
        })
      }
      return out
    }),
  )
  for (const finding of findings) {
    observability().nplusoneFindings.inc()
    logger.warning(`N+1 in ${label}: ${formatFinding(finding, threshold)}`, { count: finding.count, fix: finding.fix })
  }
  sendJson(res, 200, {
    rows,
    queries,
    nplusone: findings.map((f) => ({ template: f.template, count: f.count, fix: f.fix })),
  })
}

async function hold({ res, url }: RouteContext): Promise<void> {
  const ms = intParam(url.searchParams.get('ms'), 'ms', { min: 1, max: MAX_HOLD_MS, fallback: 1000 })
  // the pinned middleware checked a primary connection out for this request; use it, then keep it
  await getConnection(PRIMARY).execute('SELECT 1 AS held')
  await sleep(ms)
  sendJson(res, 200, { held_ms: ms, pin: currentPinStats(PRIMARY) ?? null })
}

/**
 * Adds the report routes.
 *
 * @example
 * ```ts
 * registerReportRoutes(new Router(), runtime)
 * ```
 */
export function registerReportRoutes(router: Router, runtime: ShopRuntime): void {
  router
    .add('GET', '/reports/sales', salesReport(runtime))
    .add('GET', '/reports/customers-naive', customersNaive)
    .add('GET', '/reports/hold', hold)
}
