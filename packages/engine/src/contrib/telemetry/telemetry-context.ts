/**
 * The async contexts the exporter reads: the request being served (set by `telemetryMiddlewares`,
 * counting its statements, pool wait, repeated templates and budget overruns) and the exporter's
 * own work (its health probes), whose statements stay out of the rollups.
 *
 * The route label of a statement is `"<METHOD> <route template>"` (`GET /articles/:id`), read when
 * the statement ends: Express only knows the matched route after routing, so it is looked up on the
 * request then rather than when the request began.
 *
 * @example
 * ```ts
 * const state = newRequestTelemetry(info)
 * await runInRequest(state, () => handler())
 * state.queryCount // statements the handler ran
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import type { RequestInfo } from '../http/request-scope.js'

/** Most distinct templates counted per request (N+1 candidates); later ones are not tracked. */
export const MAX_TEMPLATES_PER_REQUEST = 500

/** What the exporter gathers about one request while it runs. */
export interface RequestTelemetry {
  readonly info: RequestInfo
  /** Whether the app maps requests to routes itself (`routeTemplate`), so `info.route` is final. */
  readonly routeFromOptions: boolean
  /** performance.now() when the request began. */
  readonly startedAt: number
  /** Wall-clock ms when the request began. */
  readonly startedAtWall: number
  queryCount: number
  queryMs: number
  poolWaitMs: number
  /** Statements per template fingerprint. */
  readonly templates: Map<string, { template: string; count: number }>
  overBudget: boolean
  /** The response status when the adapter knows it. */
  status: number | null
}

const requestStorage = new AsyncLocalStorage<RequestTelemetry>()
const internalStorage = new AsyncLocalStorage<true>()

/**
 * A fresh request record for `info`.
 *
 * @example
 * ```ts
 * const state = newRequestTelemetry({ method: 'GET', path: '/a/1', route: '/a/:id', request }, true)
 * ```
 */
export function newRequestTelemetry(info: RequestInfo, routeFromOptions: boolean): RequestTelemetry {
  return {
    info,
    routeFromOptions,
    startedAt: performance.now(),
    startedAtWall: Date.now(),
    queryCount: 0,
    queryMs: 0,
    poolWaitMs: 0,
    templates: new Map(),
    overBudget: false,
    status: null,
  }
}

/**
 * Runs `fn` as the request `state` (statements, pool waits and budget events inside count for it).
 *
 * @example
 * ```ts
 * await runInRequest(state, () => next())
 * ```
 */
export function runInRequest<T>(state: RequestTelemetry, fn: () => T): T {
  return requestStorage.run(state, fn)
}

/**
 * The request being served in the current async context, if any.
 *
 * @example
 * ```ts
 * const state = currentRequestTelemetry()
 * if (state !== undefined) state.overBudget = true
 * ```
 */
export function currentRequestTelemetry(): RequestTelemetry | undefined {
  return requestStorage.getStore()
}

/**
 * Runs `fn` as the exporter's own work: its statements are not rolled up nor counted for a request.
 *
 * @example
 * ```ts
 * await runInternal(() => healthCheck({ alias, deep: true }))
 * ```
 */
export function runInternal<T>(fn: () => T): T {
  return requestStorage.exit(() => internalStorage.run(true, fn))
}

/**
 * True inside {@link runInternal}.
 *
 * @example
 * ```ts
 * if (isInternal()) return
 * ```
 */
export function isInternal(): boolean {
  return internalStorage.getStore() === true
}

interface ExpressRouted {
  route?: { path?: unknown }
  baseUrl?: string
}

/** Longest route label kept (the payload's limit). */
const MAX_ROUTE_LENGTH = 500

/**
 * The route template of a request: Express's matched route when the app gave no `routeTemplate`
 * and Express has routed the request, else the scope's route (the template, or the path).
 *
 * @example
 * ```ts
 * routeOf(state) // '/articles/:id'
 * ```
 */
export function routeOf(state: RequestTelemetry): string {
  let route = state.info.route
  if (!state.routeFromOptions) {
    const request = state.info.request as ExpressRouted | null
    const path = request?.route?.path
    if (typeof path === 'string') route = `${request?.baseUrl ?? ''}${path}`
  }
  return (route || '/').slice(0, MAX_ROUTE_LENGTH)
}

/**
 * The label of a statement run inside a request: `"<METHOD> <route template>"`.
 *
 * @example
 * ```ts
 * routeLabelOf(state) // 'GET /articles/:id'
 * ```
 */
export function routeLabelOf(state: RequestTelemetry): string {
  return `${state.info.method} ${routeOf(state)}`.slice(0, MAX_ROUTE_LENGTH)
}
