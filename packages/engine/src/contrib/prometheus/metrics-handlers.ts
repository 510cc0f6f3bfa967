/**
 * `/metrics` handlers serving a prom-client registry in its text exposition format, for node:http,
 * Express and Fetch-style servers (Next.js route handlers, Hono, Bun, Deno); prom-client's default
 * registry unless another is given. A failing collection answers 500 with the reason rather than
 * crashing the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Registry, register } from 'prom-client'

/** A node:http request listener. */
export type NodeMetricsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>
/** An Express route handler (`app.get('/metrics', handler)`). */
export type ExpressMetricsHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void
/** A Fetch-style handler (`export const GET = handler` in a Next.js route). */
export type FetchMetricsHandler = (request?: Request) => Promise<Response>

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * A node:http handler answering with the registry's metrics (HEAD: headers only).
 *
 * @example
 * ```ts
 * import { register } from 'prom-client'
 * http.createServer(nodeMetricsHandler(register)).listen(9464)
 * ```
 */
export function nodeMetricsHandler(registry: Registry = register): NodeMetricsHandler {
  return async (req, res) => {
    try {
      const body = await registry.metrics()
      res.writeHead(200, { 'content-type': registry.contentType })
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`collecting metrics failed: ${describe(err)}\n`)
    }
  }
}

/**
 * An Express handler answering with the registry's metrics; a failing collection goes to `next(err)`.
 *
 * @example
 * ```ts
 * app.get('/metrics', expressMetricsHandler(register))
 * ```
 */
export function expressMetricsHandler(registry: Registry = register): ExpressMetricsHandler {
  return (req, res, next) => {
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType })
        res.end(req.method === 'HEAD' ? undefined : body)
      },
      (err: unknown) => next(err),
    )
  }
}

/**
 * A Fetch-style handler answering with the registry's metrics.
 *
 * @example
 * ```ts
 * // app/metrics/route.ts (Next.js)
 * import { register } from 'prom-client'
 * export const GET = fetchMetricsHandler(register)
 * ```
 */
export function fetchMetricsHandler(registry: Registry = register): FetchMetricsHandler {
  return async (request) => {
    try {
      const body = await registry.metrics()
      return new Response(request?.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { 'content-type': registry.contentType },
      })
    } catch (err) {
      return new Response(`collecting metrics failed: ${describe(err)}\n`, {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
    }
  }
}
