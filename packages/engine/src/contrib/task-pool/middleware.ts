/**
 * `pinnedConnection()` per request, for node:http, Express and Fetch-style handlers.
 */
import { getLogger } from '../../db/logging.js'
import { describeError } from '../../errors.js'
import { type RequestInfo, type RequestMiddlewares, requestMiddlewares } from '../http/request-scope.js'
import { type PinStats, runPinned } from './pinned-connection.js'

const logger = getLogger('dorm.contrib.task_pool')

/**
 * Options of {@link pinnedConnectionMiddlewares}.
 *
 * @example
 * ```ts
 * const options: PinnedConnectionMiddlewareOptions = {
 *   using: 'default',
 *   onFinish: (stats, info) => histogram.observe({ route: info.route }, stats.hold_ms),
 * }
 * ```
 */
export interface PinnedConnectionMiddlewareOptions {
  /** Database alias to pin. Default `'default'`. */
  using?: string
  /**
   * Called once per request after the connection is back in the pool, with the pool wait, hold
   * time and statement count (not called on SQLite/libsql, where nothing is pinned). An error it
   * throws is logged at ERROR on `dorm.contrib.task_pool` and does not affect the response.
   */
  onFinish?: (stats: PinStats, info: RequestInfo) => void
  /** Maps a request to its route template for `info.route` (see `requestMiddlewares`). */
  routeTemplate?: (info: Omit<RequestInfo, 'route'>) => string | undefined
}

/**
 * Pins one connection of `using` for each request, from the start of the handler until the
 * response is finished (node:http, Express) or the handler's promise settles (Fetch), and releases
 * it then, also when the handler throws or the client goes away.
 *
 * @example
 * ```ts
 * import { pinnedConnectionMiddlewares } from '@dorm/engine/contrib/task-pool'
 * const pinned = pinnedConnectionMiddlewares({
 *   onFinish: (stats, info) => console.log(info.route, stats.wait_ms, stats.hold_ms, stats.queries),
 * })
 * http.createServer(pinned.wrapNodeHandler(handler)) // node:http
 * app.use(pinned.express) // Express
 * export const GET = pinned.wrapFetchHandler(async () => Response.json(await Order.objects.count())) // Next.js
 * ```
 */
export function pinnedConnectionMiddlewares(options: PinnedConnectionMiddlewareOptions = {}): RequestMiddlewares {
  const { using = 'default', onFinish, routeTemplate } = options
  const report = (info: RequestInfo) => (stats: PinStats) => {
    if (onFinish === undefined) return
    try {
      onFinish(stats, info)
    } catch (err) {
      logger.error(`onFinish of pinnedConnectionMiddlewares raised: ${describeError(err)}`, { alias: using }, err)
    }
  }
  return requestMiddlewares(
    (info, next) => runPinned(next, { using }, report(info)),
    routeTemplate === undefined ? {} : { routeTemplate },
  )
}
