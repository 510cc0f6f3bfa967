/**
 * Logging, per-query hooks, Prometheus metrics and OpenTelemetry for the shop, set up once at boot.
 *
 * - Logging (docs/connections.md "Logging"): one sink writing JSON lines to stderr (stdout is kept
 *   for the `listening` line), dorm at WARNING, migrations and pool lifecycle at INFO.
 * - postQuery signal (the seed's "Per-query hooks"): every statement to the `shop.sql` logger at
 *   DEBUG (`SHOP_LOG_SQL=1` turns it on), with its alias and elapsed time.
 * - Prometheus (docs/observability.md "Prometheus"): dorm's metrics plus the shop's own.
 * - OpenTelemetry (docs/observability.md "OpenTelemetry"): {@link enableTracing}, one span per
 *   statement once an SDK is registered, when `@opentelemetry/api` (an optional peer dependency of
 *   the engine) is installed.
 *
 * @example
 * ```ts
 * const observability = setupObservability(process.env)
 * observability.ordersCreated.inc()
 * ```
 */
import { addLogSink, getLogger, type LogRecord, postQuery, setLogLevel } from '@dorm/engine'
import { type DormMetrics, registerDormMetrics } from '@dorm/engine/contrib/prometheus'
import { Counter, collectDefaultMetrics, Histogram, register } from 'prom-client'
import type { ShopEnv } from './settings.js'

/** What the rest of the app records into. */
export interface Observability {
  metrics: DormMetrics
  /** Orders created (counted in onCommit, so a rolled-back order never counts). */
  ordersCreated: Counter<string>
  /** Statements per request, by route (fed by the query-log middleware). */
  requestQueries: Histogram<'route'>
  /** N+1 findings of the naive report. */
  nplusoneFindings: Counter<string>
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/** One JSON line per record on stderr. */
function writeRecord(record: LogRecord): void {
  const line = {
    time: record.time.toISOString(),
    level: record.level,
    logger: record.logger,
    message: record.message,
    ...record.data,
    ...(record.error === undefined ? {} : { error: errorText(record.error) }),
  }
  process.stderr.write(`${JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}\n`)
}

let current: Observability | undefined

/**
 * Configures logging, the postQuery receiver, metrics and tracing; idempotent.
 *
 * @example
 * ```ts
 * setupObservability({ SHOP_LOG_SQL: '1' })
 * ```
 */
export function setupObservability(env: ShopEnv = process.env): Observability {
  if (current !== undefined) return current
  addLogSink(writeRecord)
  setLogLevel('dorm', 'WARNING')
  setLogLevel('dorm.migrations', 'INFO')
  setLogLevel('dorm.db.pool', 'INFO')
  setLogLevel('dorm.db.lifecycle.postgresql', 'INFO')
  setLogLevel('shop', 'INFO')
  setLogLevel('shop.sql', env.SHOP_LOG_SQL === '1' ? 'DEBUG' : 'INFO')

  const sqlLogger = getLogger('shop.sql')
  postQuery.connect(
    ({ alias, sql, elapsed_ms, error }) => {
      if (!sqlLogger.isEnabledFor('DEBUG')) return
      sqlLogger.debug(sql, { alias, elapsed_ms, error: error === null ? null : String(error) })
    },
    { dispatchUid: 'shop.sql-log' },
  )

  // the process's own CPU, memory and event-loop figures beside dorm's (nodejs_heap_size_used_bytes, ...)
  if (register.getSingleMetric('process_cpu_user_seconds_total') === undefined) collectDefaultMetrics({ register })
  current = {
    metrics: registerDormMetrics(),
    ordersCreated: new Counter({ name: 'shop_orders_created_total', help: 'Orders committed', registers: [register] }),
    requestQueries: new Histogram({
      name: 'shop_request_queries',
      help: 'SQL statements per request',
      labelNames: ['route'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers: [register],
    }),
    nplusoneFindings: new Counter({
      name: 'shop_nplusone_findings_total',
      help: 'N+1 patterns found by the detector around the naive report',
      registers: [register],
    }),
  }
  return current
}

/**
 * The observability set up by {@link setupObservability} (which must have run).
 *
 * @example
 * ```ts
 * observability().ordersCreated.inc()
 * ```
 */
export function observability(): Observability {
  if (current === undefined) throw new Error('setupObservability() has not run: call it at boot, before serving.')
  return current
}

/**
 * Instruments dorm for OpenTelemetry when `@opentelemetry/api` is installed (it is an optional peer
 * dependency: the production image leaves it out, and the shop runs the same without it). Call it
 * after registering an OpenTelemetry SDK; without one, spans go to the API's no-op provider.
 *
 * @example
 * ```ts
 * await enableTracing() // true when instrumented
 * ```
 */
export async function enableTracing(): Promise<boolean> {
  const logger = getLogger('shop.tracing')
  try {
    const { instrument } = await import('@dorm/engine/contrib/otel')
    instrument({ tracerName: 'shop' })
    return true
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code !== 'ERR_MODULE_NOT_FOUND') throw err
    logger.info('tracing off: @opentelemetry/api is not installed (npm install @opentelemetry/api and an SDK)')
    return false
  }
}
