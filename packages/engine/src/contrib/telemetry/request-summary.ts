/**
 * The summary of one finished request, and whether it is kept. A request is always kept when it
 * hit a `budget()` limit (`reason: 'budget'`), ran one template more than
 * {@link NPLUSONE_THRESHOLD} times (`'nplusone'`, the likely N+1 loops listed most repeated
 * first), or lasted at least `slowRequestMs` (`'slow'`); any other request is kept with
 * probability `sampleRate` (`'sample'`). The route is the template (`/articles/:id`), the method
 * separate.
 *
 * @example
 * ```ts
 * const item = summarizeRequest(state, { sampleRate: 0.01, slowRequestMs: 1000 })
 * if (item !== null) queue.push([JSON.stringify(item)])
 * ```
 */
import { performance } from 'node:perf_hooks'
import { type RequestTelemetry, routeOf } from './telemetry-context.js'
import type { RequestItem } from './telemetry-schema.js'

/** A template run more than this many times in one request is an N+1 candidate. */
export const NPLUSONE_THRESHOLD = 5

/** Most N+1 candidates listed per request (the payload's limit). */
const MAX_NPLUSONE = 20

/** What decides whether an ordinary request is kept. */
export interface RequestSummaryPolicy {
  sampleRate: number
  slowRequestMs: number
  /** A number in [0, 1) (tests pass a fixed one). */
  random?: () => number
}

/**
 * The request item for `state`, or null when the request is ordinary and not sampled.
 *
 * @example
 * ```ts
 * summarizeRequest(state, { sampleRate: 1, slowRequestMs: 1000 })?.reason // 'sample'
 * ```
 */
export function summarizeRequest(
  state: RequestTelemetry,
  policy: RequestSummaryPolicy,
  now = performance.now(),
): RequestItem | null {
  const durationMs = Math.max(0, now - state.startedAt)
  const nplusone = [...state.templates.entries()]
    .filter(([, seen]) => seen.count > NPLUSONE_THRESHOLD)
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, MAX_NPLUSONE)
    .map(([fingerprint, seen]) => ({ fingerprint, template: seen.template, count: seen.count }))
  let reason: RequestItem['reason']
  if (state.overBudget) reason = 'budget'
  else if (nplusone.length > 0) reason = 'nplusone'
  else if (durationMs >= policy.slowRequestMs) reason = 'slow'
  else if ((policy.random ?? Math.random)() < policy.sampleRate) reason = 'sample'
  else return null
  const status = state.status !== null && state.status >= 100 && state.status <= 599 ? state.status : null
  return {
    kind: 'request',
    at: new Date(state.startedAtWall).toISOString(),
    method: (state.info.method || 'GET').slice(0, 16),
    route: routeOf(state),
    status,
    duration_ms: durationMs,
    query_count: state.queryCount,
    query_ms: state.queryMs,
    pool_wait_ms: state.poolWaitMs,
    nplusone,
    over_budget: state.overBudget,
    reason,
  }
}
