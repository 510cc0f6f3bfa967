/**
 * `registerDormMetrics()`: dorm's pool and query metrics on a prom-client registry, plus the
 * `/metrics` handlers serving that registry.
 */
import { type Registry, register } from 'prom-client'
import { ImproperlyConfigured } from '../../errors.js'
import {
  type ExpressMetricsHandler,
  expressMetricsHandler,
  type FetchMetricsHandler,
  fetchMetricsHandler,
  type NodeMetricsHandler,
  nodeMetricsHandler,
} from './metrics-handlers.js'
import { startPoolMetrics } from './pool-metrics.js'
import { startQueryMetrics } from './query-metrics.js'

/** Query-duration buckets in seconds: a millisecond to ten seconds. */
export const DEFAULT_QUERY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]
/** Pool wait/use buckets in seconds: half a millisecond to the default POOL_TIMEOUT (30 s). */
export const DEFAULT_POOL_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]

/** Options of {@link registerDormMetrics}. */
export interface DormMetricsOptions {
  /** The registry to register on. Default: prom-client's default registry (`register`). */
  registry?: Registry
  /** Prepended to every metric name. Default `'dorm_'`. */
  prefix?: string
  /** Buckets (seconds) of `<prefix>query_duration_seconds`. */
  buckets?: readonly number[]
  /** Buckets (seconds) of `<prefix>pool_wait_seconds` and `<prefix>pool_use_seconds`. */
  poolBuckets?: readonly number[]
}

/** What {@link registerDormMetrics} returns. */
export interface DormMetrics {
  readonly registry: Registry
  /** node:http handler serving the registry: `http.createServer(metrics.metricsHandler)`. */
  readonly metricsHandler: NodeMetricsHandler
  /** Express handler: `app.get('/metrics', metrics.expressHandler)`. */
  readonly expressHandler: ExpressMetricsHandler
  /** Fetch-style handler: `export const GET = metrics.fetchHandler` in a Next.js route. */
  readonly fetchHandler: FetchMetricsHandler
  /** Stops feeding the metrics and removes them from the registry. Idempotent. */
  unregister(): void
}

const registered = new WeakMap<Registry, Map<string, DormMetrics>>()

function checkBuckets(name: string, buckets: readonly number[]): void {
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every(
      (b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > (buckets[i - 1] as number)),
    )
  if (!ok) {
    throw new ImproperlyConfigured(
      `registerDormMetrics({ ${name} }) needs a non-empty list of increasing positive numbers of seconds, ` +
        `got ${JSON.stringify(buckets)}. Example: [0.005, 0.05, 0.5, 5].`,
    )
  }
}

function checkOptions(registry: unknown, prefix: unknown): void {
  const candidate = registry as Partial<Registry> | null
  if (typeof candidate?.metrics !== 'function' || typeof candidate.registerMetric !== 'function') {
    throw new ImproperlyConfigured(
      "registerDormMetrics({ registry }) needs a prom-client Registry (new Registry() or prom-client's register); " +
        `got ${registry === null ? 'null' : typeof registry}. Omit it to use the default registry.`,
    )
  }
  if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw new ImproperlyConfigured(
      `registerDormMetrics({ prefix }) must be a Prometheus metric-name prefix (letters, digits, _ and :, ` +
        `not starting with a digit), got ${JSON.stringify(prefix)}. Example: 'myapp_dorm_'.`,
    )
  }
}

/**
 * Registers dorm's metrics on a prom-client registry: per-alias pool gauges read at scrape time
 * (`pool_size`, `pool_in_use`, `pool_idle`, `pool_waiting`, `pool_max`), `pool_checkouts_total`,
 * `pool_timeouts_total`, `pool_wait_seconds`, `pool_use_seconds`, `query_duration_seconds` and
 * `query_errors_total` per alias/vendor/operation, `slow_queries_total` and `retries_total`, all
 * prefixed (`dorm_` by default). Registering again on the same registry with the same prefix
 * returns the handle already registered (module reloads in development do not throw).
 *
 * @example
 * ```ts
 * import http from 'node:http'
 * import { registerDormMetrics } from '@dorm/engine/contrib/prometheus'
 * const metrics = registerDormMetrics()
 * http.createServer((req, res) => (req.url === '/metrics' ? metrics.metricsHandler(req, res) : app(req, res)))
 * ```
 */
export function registerDormMetrics(options: DormMetricsOptions = {}): DormMetrics {
  const { registry = register, prefix = 'dorm_', buckets = DEFAULT_QUERY_BUCKETS } = options
  const { poolBuckets = DEFAULT_POOL_BUCKETS } = options
  checkOptions(registry, prefix)
  checkBuckets('buckets', buckets)
  checkBuckets('poolBuckets', poolBuckets)
  let byPrefix = registered.get(registry)
  const existing = byPrefix?.get(prefix)
  if (existing !== undefined) return existing
  const taken = ['pool_size', 'query_duration_seconds'].find((s) => registry.getSingleMetric(`${prefix}${s}`))
  if (taken !== undefined) {
    throw new ImproperlyConfigured(
      `registerDormMetrics(): the registry already has a metric named '${prefix}${taken}' that dorm did not register. ` +
        'Pass another prefix or registry, or remove that metric first.',
    )
  }

  const pool = startPoolMetrics({ registry, prefix, buckets: poolBuckets })
  const queries = startQueryMetrics({ registry, prefix, buckets })
  let active = true
  const handle: DormMetrics = {
    registry,
    metricsHandler: nodeMetricsHandler(registry),
    expressHandler: expressMetricsHandler(registry),
    fetchHandler: fetchMetricsHandler(registry),
    unregister() {
      if (!active) return
      active = false
      pool.stop()
      queries.stop()
      for (const name of [...pool.names, ...queries.names]) registry.removeSingleMetric(name)
      registered.get(registry)?.delete(prefix)
    },
  }
  if (byPrefix === undefined) {
    byPrefix = new Map()
    registered.set(registry, byPrefix)
  }
  byPrefix.set(prefix, handle)
  return handle
}
