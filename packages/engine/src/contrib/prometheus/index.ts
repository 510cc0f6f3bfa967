/**
 * `@dorm/engine/contrib/prometheus`: pool, query-duration, error, slow-query and retry metrics on
 * a prom-client registry, and `/metrics` handlers for node:http, Express and Fetch-style servers.
 * Needs `prom-client` installed.
 *
 * @example
 * ```ts
 * import { registerDormMetrics } from '@dorm/engine/contrib/prometheus'
 * const { expressHandler } = registerDormMetrics()
 * app.get('/metrics', expressHandler)
 * ```
 */
export {
  type ExpressMetricsHandler,
  expressMetricsHandler,
  type FetchMetricsHandler,
  fetchMetricsHandler,
  type NodeMetricsHandler,
  nodeMetricsHandler,
} from './metrics-handlers.js'
export { operationLabel } from './operation-label.js'
export {
  DEFAULT_POOL_BUCKETS,
  DEFAULT_QUERY_BUCKETS,
  type DormMetrics,
  type DormMetricsOptions,
  registerDormMetrics,
} from './register-dorm-metrics.js'
