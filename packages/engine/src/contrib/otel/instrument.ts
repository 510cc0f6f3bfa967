/**
 * `instrument()` / `uninstrument()`: OpenTelemetry tracing and metrics for every statement dorm
 * runs, on `@opentelemetry/api` (an optional peer dependency: install it to use this module).
 * Without a provider passed in, the globally registered ones are used (no-ops until an SDK
 * registers itself, which costs next to nothing per statement).
 */
import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api'
import { addQueryObserver } from '../../db/query-observers.js'
import { ImproperlyConfigured } from '../../errors.js'
import { startPoolMetrics } from './pool-metrics.js'
import { querySpanObserver } from './query-spans.js'

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Name of the tracer and of the meter (instrumentation scope). Default `'dorm'`. */
  tracerName?: string
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider
  /** `db.statement` keeps at most this many characters of the SQL. Default 1024. */
  statementMaxLength?: number
}

let stopActive: (() => void) | null = null

function validated(options: InstrumentOptions): Required<Pick<InstrumentOptions, 'tracerName' | 'statementMaxLength'>> {
  const { tracerName = 'dorm', statementMaxLength = 1024 } = options
  if (typeof tracerName !== 'string' || tracerName.trim() === '') {
    throw new ImproperlyConfigured(
      `instrument({ tracerName }) needs a non-empty string, got ${JSON.stringify(tracerName)}. ` +
        "Pass the instrumentation scope name, e.g. instrument({ tracerName: 'myapp.dorm' }), or omit it for 'dorm'.",
    )
  }
  if (!Number.isInteger(statementMaxLength) || statementMaxLength < 0) {
    throw new ImproperlyConfigured(
      `instrument({ statementMaxLength }) needs a whole number >= 0, got ${String(statementMaxLength)}. ` +
        'It is how many characters of the SQL db.statement keeps (default 1024; 0 keeps none).',
    )
  }
  for (const [key, method] of [
    ['tracerProvider', 'getTracer'],
    ['meterProvider', 'getMeter'],
  ] as const) {
    const provider = options[key] as Record<string, unknown> | undefined
    if (provider !== undefined && typeof provider?.[method] !== 'function') {
      throw new ImproperlyConfigured(
        `instrument({ ${key} }) needs an OpenTelemetry ${key === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} ` +
          `(an object with ${method}()); got ${provider === null ? 'null' : typeof provider}. Omit it to use the global one.`,
      )
    }
  }
  return { tracerName, statementMaxLength }
}

/**
 * Traces every statement as a CLIENT span named `"<OPERATION> <table>"` (or `db.<vendor>`), child
 * of the active span, with `db.system`, `db.operation`, `db.sql.table`, `db.collection.name`,
 * `db.dorm.alias`, `db.statement`, `db.dorm.elapsed_ms` and `db.dorm.rows` (plus the exception,
 * status ERROR and `db.dorm.error` on failure), and reports the semantic-convention connection
 * pool metrics and `db.client.operation.duration`. Idempotent: calling it again replaces the
 * previous instrumentation (still one span per statement).
 *
 * @example
 * ```ts
 * import { instrument, uninstrument } from '@dorm/engine/contrib/otel'
 * instrument({ tracerName: 'myapp.dorm' })
 * // ... every query is now a span under the request's span
 * uninstrument()
 * ```
 */
export function instrument(options: InstrumentOptions = {}): void {
  const { tracerName, statementMaxLength } = validated(options)
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(tracerName)
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(tracerName)
  const operationDuration = meter.createHistogram('db.client.operation.duration', {
    description: 'Duration of database client operations (one per statement).',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] },
  })
  uninstrument()
  const removeSpans = addQueryObserver(querySpanObserver({ tracer, operationDuration, statementMaxLength }))
  const stopPoolMetrics = startPoolMetrics(meter)
  stopActive = () => {
    removeSpans()
    stopPoolMetrics()
  }
}

/**
 * Stops tracing and metrics started by {@link instrument}. Does nothing when not instrumented.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => { uninstrument(); void sdk.shutdown() })
 * ```
 */
export function uninstrument(): void {
  const stop = stopActive
  stopActive = null
  stop?.()
}

/**
 * Whether {@link instrument} is active.
 *
 * @example
 * ```ts
 * if (!isInstrumented()) instrument()
 * ```
 */
export function isInstrumented(): boolean {
  return stopActive !== null
}
