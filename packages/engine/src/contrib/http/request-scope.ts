/**
 * One request scope, three server shapes. A contrib that needs to run each request inside some
 * context (a query log, a pinned connection, read-after-write marks) writes one
 * {@link RequestScope} and gets a node:http wrapper, an Express middleware and a Fetch-style
 * (Next.js route handler) wrapper from {@link requestMiddlewares}. The scope ends when the response
 * is finished or the client went away (node:http, Express) or when the handler's promise settles
 * (Fetch).
 *
 * @example
 * ```ts
 * const scope: RequestScope = (info, next) => log.run(() => next())
 * const { wrapNodeHandler, express, wrapFetchHandler } = requestMiddlewares(scope)
 * http.createServer(wrapNodeHandler((req, res) => res.end('ok')))
 * app.use(express)
 * export const GET = wrapFetchHandler(async (request) => Response.json(await list()))
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readAfterWriteScope } from '../../db/read-after-write.js'

/** What a scope knows about the request it wraps. */
export interface RequestInfo {
  method: string
  /** The path as requested, without the query string. */
  path: string
  /**
   * The route template (`/articles/:id`) when the framework knows it, else the path. Set
   * `routeTemplate` in the options to compute it yourself.
   */
  route: string
  /** The server's request object (IncomingMessage, Express request or Fetch Request). */
  request: unknown
}

/**
 * Runs `next` (the rest of the request) inside a context and resolves when it ends. It may
 * attach things to `info.request` so handlers can read them.
 */
export type RequestScope = (info: RequestInfo, next: () => Promise<void>) => Promise<void>

/** Options of {@link requestMiddlewares}. */
export interface RequestMiddlewareOptions {
  /** Maps a request to its route template (for labels that must not explode in cardinality). */
  routeTemplate?: (info: Omit<RequestInfo, 'route'>) => string | undefined
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown
type ExpressLikeRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string }
type ExpressMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: (err?: unknown) => void) => void
type FetchHandler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>

/** The three adapters of one scope. */
export interface RequestMiddlewares {
  /** Wraps a node:http request listener. */
  wrapNodeHandler(handler: NodeHandler): NodeHandler
  /** An Express (or Connect) middleware: `app.use(middlewares.express)`. */
  express: ExpressMiddleware
  /** Wraps a Fetch-style handler (Next.js route handlers, Hono, Bun, Deno). */
  wrapFetchHandler<A extends unknown[]>(handler: FetchHandler<A>): FetchHandler<A>
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/'
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

function responseEnded(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) return resolve()
    res.once('finish', () => resolve())
    res.once('close', () => resolve())
  })
}

/**
 * Builds the node:http, Express and Fetch adapters of a request scope.
 *
 * @example
 * ```ts
 * const middlewares = requestMiddlewares((info, next) => log.run(next)) // each request also gets its own read-after-write marks
 * ```
 */
export function requestMiddlewares(
  requestScope: RequestScope,
  options: RequestMiddlewareOptions = {},
): RequestMiddlewares {
  // every request gets sticky read-after-write marks of its own: concurrent requests never share them
  const scope: RequestScope = (requestInfo, next) => readAfterWriteScope(() => requestScope(requestInfo, next))
  const info = (method: string, path: string, request: unknown, route?: string): RequestInfo => {
    const base = { method, path, request }
    return { ...base, route: options.routeTemplate?.(base) ?? route ?? path }
  }
  return {
    wrapNodeHandler(handler) {
      return (req, res) =>
        scope(info(req.method ?? 'GET', pathOf(req.url), req), async () => {
          const ended = responseEnded(res)
          await handler(req, res)
          await ended
        })
    },
    express(req, res, next) {
      const path = pathOf(req.originalUrl ?? req.url)
      const ended = responseEnded(res)
      // the route is only known after routing: read it when the scope reports, at the end
      const requestInfo = info(req.method ?? 'GET', path, req)
      scope(requestInfo, async () => {
        next()
        await ended
        const routePath = req.route?.path
        if (options.routeTemplate === undefined && typeof routePath === 'string') {
          requestInfo.route = `${req.baseUrl ?? ''}${routePath}`
        }
      }).catch(next)
    },
    wrapFetchHandler(handler) {
      return async (request, ...rest) => {
        let response: Response | undefined
        await scope(info(request.method, new URL(request.url).pathname, request), async () => {
          response = await handler(request, ...rest)
        })
        return response as Response
      }
    },
  }
}
