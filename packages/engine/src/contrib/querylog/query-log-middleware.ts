/**
 * Request middleware: each request runs inside its own {@link QueryLog}. For node:http and Express
 * the log is attached to the request as `req.dormQueryLog`; everywhere (including Fetch-style
 * handlers such as Next.js route handlers, whose Request objects are not meant to be decorated)
 * `currentQueryLog()` returns it inside the handler. When the request ends (the response finished or
 * the client went away; for Fetch, when the handler settles) `onFinish(log, info)` is called with the
 * method, path and route template. A throwing `onFinish` is logged at ERROR on `dorm.querylog` and
 * never breaks the response.
 *
 * @example
 * ```ts
 * import { queryLogMiddlewares } from '@dorm/engine/contrib/querylog'
 *
 * const queryLogs = queryLogMiddlewares({
 *   onFinish: (log, { method, route }) => console.log(`${method} ${route}: ${log.count} queries`),
 * })
 * app.use(queryLogs.express)                                  // Express
 * http.createServer(queryLogs.wrapNodeHandler(handler))       // node:http
 * export const GET = queryLogs.wrapFetchHandler(async () => Response.json({ n: currentQueryLog()?.count }))
 * ```
 */

import { getLogger } from '../../db/logging.js'
import { type RequestInfo, type RequestMiddlewares, requestMiddlewares } from '../http/request-scope.js'
import { QueryLog } from './query-log.js'

const logger = getLogger('dorm.querylog')

/** Options of {@link queryLogMiddlewares}. */
export interface QueryLogMiddlewareOptions {
  /** Called once per request, after it ended, with its finished log. */
  onFinish?: (log: QueryLog, info: RequestInfo) => void | Promise<void>
  /** Maps a request to its route template (`/articles/:id`) for `info.route`. */
  routeTemplate?: (info: Omit<RequestInfo, 'route'>) => string | undefined
}

/** The request property the node:http and Express adapters set. */
export interface RequestWithQueryLog {
  dormQueryLog?: QueryLog
}

/**
 * node:http, Express and Fetch-style adapters that run each request in a new QueryLog.
 *
 * @example
 * ```ts
 * app.use(queryLogMiddlewares().express)
 * app.get('/articles', async (req, res) => {
 *   res.json({ articles: await list(), queries: (req as RequestWithQueryLog).dormQueryLog?.count })
 * })
 * ```
 */
export function queryLogMiddlewares(options: QueryLogMiddlewareOptions = {}): RequestMiddlewares {
  const { onFinish, routeTemplate } = options
  return requestMiddlewares(
    async (info, next) => {
      const log = new QueryLog()
      if (!(info.request instanceof Request)) (info.request as RequestWithQueryLog).dormQueryLog = log
      try {
        await log.run(() => next())
      } finally {
        if (onFinish !== undefined) await report(onFinish, log, info)
      }
    },
    routeTemplate === undefined ? {} : { routeTemplate },
  )
}

async function report(onFinish: NonNullable<QueryLogMiddlewareOptions['onFinish']>, log: QueryLog, info: RequestInfo) {
  try {
    await onFinish(log, info)
  } catch (err) {
    logger.error(
      `querylog onFinish raised for ${info.method} ${info.route}: ${err instanceof Error ? err.message : String(err)}`,
      { method: info.method, route: info.route },
      err,
    )
  }
}
