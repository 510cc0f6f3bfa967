/**
 * A tiny router for node:http: `METHOD /path/:param` patterns, a handler per route, and the route
 * template of each request (telemetry and query logs label requests by template, never by raw path,
 * so labels stay low-cardinality).
 *
 * @example
 * ```ts
 * const router = new Router().add('GET', '/products/:id', async ({ params, res }) => sendJson(res, 200, { id: params.id }))
 * const match = router.match('GET', '/products/7') // { route: '/products/:id', params: { id: '7' }, handler }
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The route template of a path no route matches (one label for every unknown path). */
export const UNMATCHED = 'unmatched'

/** What a handler receives. */
export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
}

/** A route handler; it writes the response itself (usually through `sendJson`). */
export type RouteHandler = (context: RouteContext) => Promise<void>

interface Route {
  method: string
  template: string
  pattern: RegExp
  names: string[]
  handler: RouteHandler
}

/** A matched route. */
export interface RouteMatch {
  route: string
  params: Record<string, string>
  handler: RouteHandler
}

/** Routes by method and path template. */
export class Router {
  readonly #routes: Route[] = []

  /**
   * Adds a route; `:name` segments become params.
   *
   * @example
   * ```ts
   * router.add('POST', '/orders', createOrder)
   * ```
   */
  add(method: string, template: string, handler: RouteHandler): this {
    const names: string[] = []
    const source = template
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(segment.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.#routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, handler })
    return this
  }

  /**
   * The route for a request, or undefined (404). A path known under another method is `'method'`.
   *
   * @example
   * ```ts
   * router.match('DELETE', '/orders') // 'method'
   * ```
   */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let otherMethod = false
    for (const route of this.#routes) {
      const found = route.pattern.exec(path)
      if (found === null) continue
      if (route.method !== method) {
        otherMethod = true
        continue
      }
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] as string)
      })
      return { route: route.template, params, handler: route.handler }
    }
    return otherMethod ? 'method' : undefined
  }

  /**
   * The route template of a path (any method), else {@link UNMATCHED}: for request labels.
   *
   * @example
   * ```ts
   * router.templateOf('/orders/12') // '/orders/:id'
   * ```
   */
  templateOf(path: string): string {
    return this.#routes.find((route) => route.pattern.test(path))?.template ?? UNMATCHED
  }
}
