/**
 * `telemetryMiddlewares()`: the request middleware of the exporter, for node:http, Express and
 * Fetch-style handlers (Next.js route handlers), built on contrib/http's request scopes. Inside a
 * request it counts the statements and their time, the pool wait, templates repeated more than
 * five times (N+1 candidates) and `budget()` overruns; the route template also labels the query
 * rollups and slow queries of the statements run inside. When the request ends a summary is
 * queued: always for slow, N+1 and over-budget requests, else at `sampleRate`.
 *
 * With no exporter running (`startTelemetry`) the middleware only calls through.
 *
 * @example
 * ```ts
 * import { startTelemetry, telemetryMiddlewares } from '@dorm/engine/contrib/telemetry'
 * startTelemetry({ endpoint: process.env.DORM_TELEMETRY_ENDPOINT!, token: process.env.DORM_TELEMETRY_TOKEN!, service: 'api' })
 * app.use(telemetryMiddlewares().express)                                   // Express: routes come from Express
 * const telemetry = telemetryMiddlewares({ routeTemplate: ({ path }) => path.replace(/\/\d+/g, '/:id') })
 * http.createServer(telemetry.wrapNodeHandler(handler))                     // node:http
 * export const GET = telemetry.wrapFetchHandler(async () => Response.json(await list()))  // Next.js
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getLogger } from '../../db/logging.js'
import { type RequestInfo, type RequestMiddlewares, requestMiddlewares } from '../http/request-scope.js'
import {
  currentRequestTelemetry,
  newRequestTelemetry,
  type RequestTelemetry,
  runInRequest,
} from './telemetry-context.js'

const logger = getLogger('dorm.contrib.telemetry')

/** Options of {@link telemetryMiddlewares}. */
export interface TelemetryMiddlewareOptions {
  /**
   * Maps a request to its route template (`/articles/:id`). Without it Express's matched route is
   * used, else the path: give it for node:http and Fetch handlers whose paths carry ids.
   */
  routeTemplate?: (info: Omit<RequestInfo, 'route'>) => string | undefined
}

/** Receives each finished request (the running exporter). */
export interface RequestRecorder {
  finish(state: RequestTelemetry): void
}

let recorder: RequestRecorder | null = null

/**
 * Installs (or, with null, removes) the receiver of finished requests; the exporter calls it.
 *
 * @example
 * ```ts
 * setRequestRecorder({ finish: (state) => queue.push(summarize(state)) })
 * ```
 */
export function setRequestRecorder(next: RequestRecorder | null): void {
  recorder = next
}

const responses = new WeakMap<object, ServerResponse>()

function statusOf(request: unknown): number | null {
  if (request === null || typeof request !== 'object') return null
  const response = responses.get(request) ?? (request as { res?: ServerResponse }).res
  const status = response?.statusCode
  return typeof status === 'number' && response?.headersSent ? status : null
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown

/**
 * node:http, Express and Fetch-style adapters that record each request for the exporter.
 *
 * @example
 * ```ts
 * app.use(telemetryMiddlewares().express)
 * ```
 */
export function telemetryMiddlewares(options: TelemetryMiddlewareOptions = {}): RequestMiddlewares {
  const { routeTemplate } = options
  const base = requestMiddlewares(
    async (info, next) => {
      const current = recorder
      if (current === null) return next()
      const state = newRequestTelemetry(info, routeTemplate !== undefined)
      try {
        await runInRequest(state, next)
      } finally {
        state.status ??= statusOf(info.request)
        try {
          current.finish(state)
        } catch (err) {
          logger.error(`telemetry: recording ${info.method} ${info.route} failed: ${String(err)}`, {}, err)
        }
      }
    },
    routeTemplate === undefined ? {} : { routeTemplate },
  )
  return {
    express: base.express,
    wrapNodeHandler(handler: NodeHandler): NodeHandler {
      const wrapped = base.wrapNodeHandler(handler)
      return (req, res) => {
        responses.set(req, res)
        return wrapped(req, res)
      }
    },
    wrapFetchHandler(handler) {
      return base.wrapFetchHandler(async (request, ...rest) => {
        const response = await handler(request, ...rest)
        const state = currentRequestTelemetry()
        if (state !== undefined) state.status = response.status
        return response
      })
    },
  }
}
