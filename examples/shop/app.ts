/**
 * The request handler: routes, then the request middlewares around them, outermost first:
 *
 * 1. `readAfterWriteScope` (docs/orm.md "Routing and read-after-write"): each request's writes pin
 *    only its own reads to the primary;
 * 2. `telemetryMiddlewares` (docs/observability.md "Telemetry exporter"): request summaries and
 *    route labels for the dashboard, including the pool wait of step 4;
 * 3. `queryLogMiddlewares` (docs/observability.md "Query log"): a QueryLog per request, whose
 *    statement count feeds the `shop_request_queries` histogram;
 * 4. `pinnedConnectionMiddlewares` (docs/resilience.md "Pinned connections"): one primary
 *    connection per request, except for /healthz, /metrics and unknown paths, which must answer
 *    while the pool is saturated.
 *
 * @example
 * ```ts
 * const server = http.createServer(createShopHandler(runtime))
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readAfterWriteScope } from '@dorm/engine'
import { queryLogMiddlewares } from '@dorm/engine/contrib/querylog'
import { pinnedConnectionMiddlewares } from '@dorm/engine/contrib/task-pool'
import { telemetryMiddlewares } from '@dorm/engine/contrib/telemetry'
import { sendError } from './http/error-response.js'
import { sendJson } from './http/responses.js'
import { Router, UNMATCHED } from './http/router.js'
import { observability } from './observability.js'
import { OPS_PATHS, registerOpsRoutes } from './routes/ops.js'
import { registerOrderRoutes } from './routes/orders.js'
import { registerProductRoutes } from './routes/products.js'
import { registerReportRoutes } from './routes/reports.js'
import type { ShopRuntime } from './runtime.js'
import { PRIMARY } from './settings.js'

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

/**
 * Builds the shop's node:http request listener.
 *
 * @example
 * ```ts
 * createServer(createShopHandler({ analyticsAlias: 'default', replication: undefined, lagRouter: undefined, devEndpoints: true }))
 * ```
 */
export function createShopHandler(runtime: ShopRuntime): NodeHandler {
  const router = new Router()
  registerOpsRoutes(router, runtime)
  registerProductRoutes(router)
  registerOrderRoutes(router)
  registerReportRoutes(router, runtime)
  const routeTemplate = ({ path }: { path: string }) => router.templateOf(path)

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://shop.local')
      const match = router.match(req.method ?? 'GET', url.pathname)
      if (match === undefined) {
        sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}; see examples/shop/README.md` })
        return
      }
      if (match === 'method') {
        sendJson(res, 405, { error: `${req.method} is not allowed on ${url.pathname}` })
        return
      }
      await match.handler({ req, res, url, params: match.params })
    } catch (err) {
      sendError(res, err)
    }
  }

  const pinned = pinnedConnectionMiddlewares({ using: PRIMARY, routeTemplate })
  const pinnedRoute = pinned.wrapNodeHandler(route)
  // probes, scrapes and unknown paths never take a connection: they answer while the pool is saturated
  const app: NodeHandler = (req, res) => {
    const path = pathOf(req)
    return OPS_PATHS.has(path) || routeTemplate({ path }) === UNMATCHED ? route(req, res) : pinnedRoute(req, res)
  }

  const queryLogs = queryLogMiddlewares({
    routeTemplate,
    onFinish: (log, { route: template }) => observability().requestQueries.observe({ route: template }, log.count),
  })
  const telemetry = telemetryMiddlewares({ routeTemplate })
  const handler = telemetry.wrapNodeHandler(queryLogs.wrapNodeHandler(app))

  return (req, res) =>
    readAfterWriteScope(async () => {
      try {
        await handler(req, res)
      } catch (err) {
        // the pinned checkout itself failed (PoolTimeout while the pool is saturated): 503
        sendError(res, err)
      }
    })
}
