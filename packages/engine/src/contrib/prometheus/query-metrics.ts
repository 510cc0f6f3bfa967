/**
 * Query metrics on a prom-client registry: a duration histogram and an error counter per alias,
 * vendor and operation (fed by a query observer), and slow-query and retry counters (fed by the
 * event bus). Labels stay low-cardinality: never SQL, never table names.
 */
import { Counter, Histogram, type Registry } from 'prom-client'
import { onDormEvent } from '../../db/events.js'
import { addQueryObserver } from '../../db/query-observers.js'
import { operationLabel } from './operation-label.js'

/** What {@link startQueryMetrics} needs. */
export interface QueryMetricsOptions {
  registry: Registry
  prefix: string
  /** Histogram buckets (seconds) of query durations. */
  buckets: readonly number[]
}

/**
 * Registers the query metrics and starts feeding them; returns their names and the function that
 * stops feeding (the caller removes the names from the registry).
 *
 * @example
 * ```ts
 * const { names, stop } = startQueryMetrics({ registry, prefix: 'dorm_', buckets: [0.005, 0.05, 0.5] })
 * ```
 */
export function startQueryMetrics(options: QueryMetricsOptions): { names: string[]; stop: () => void } {
  const { registry, prefix } = options
  const registers = [registry]
  const duration = new Histogram({
    name: `${prefix}query_duration_seconds`,
    help: 'Statement duration per alias, vendor and operation (leading SQL verb).',
    labelNames: ['alias', 'vendor', 'operation'],
    buckets: [...options.buckets],
    registers,
  })
  const errors = new Counter({
    name: `${prefix}query_errors_total`,
    help: 'Statements that failed, per alias, vendor, operation and error class.',
    labelNames: ['alias', 'vendor', 'operation', 'error'],
    registers,
  })
  const slow = new Counter({
    name: `${prefix}slow_queries_total`,
    help: 'Statements that took at least SLOW_QUERY_MS, per alias and vendor.',
    labelNames: ['alias', 'vendor'],
    registers,
  })
  const retries = new Counter({
    name: `${prefix}retries_total`,
    help: 'Transient errors retried (RETRY_ATTEMPTS), per alias and vendor.',
    labelNames: ['alias', 'vendor'],
    registers,
  })
  const removeObserver = addQueryObserver<undefined>({
    start: () => undefined,
    end(_state, query) {
      const labels = { alias: query.alias, vendor: query.vendor, operation: operationLabel(query.sql) }
      duration.observe(labels, query.elapsed_ms / 1000)
      if (query.error !== null) errors.inc({ ...labels, error: query.error.name })
    },
  })
  const removeListener = onDormEvent((event) => {
    if (event.type === 'slow_query') slow.inc({ alias: event.alias, vendor: event.vendor })
    else if (event.type === 'retry') retries.inc({ alias: event.alias, vendor: event.vendor })
  })
  const names = [duration, errors, slow, retries].map((m) => (m as unknown as { name: string }).name)
  return {
    names,
    stop() {
      removeObserver()
      removeListener()
    },
  }
}
