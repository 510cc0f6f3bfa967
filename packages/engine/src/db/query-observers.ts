/**
 * Query observers: the low-level hook of the query pipeline for instrumentation that needs to pair
 * the start and the end of one statement (OpenTelemetry spans, Prometheus histograms, query
 * logs). `start` returns a state handed back to `end` of the same statement, so concurrent
 * statements never mix. With no observer installed the pipeline pays one length check.
 *
 * An observer that throws is logged at ERROR on `dorm.observers` and never breaks the query.
 *
 * @example
 * ```ts
 * import { addQueryObserver } from '@dorm/engine'
 * const remove = addQueryObserver({
 *   start: (q) => performance.now(),
 *   end: (t0, q) => histogram.observe({ alias: q.alias }, q.elapsed_ms),
 * })
 * ```
 */
import type { Vendor } from '../backends/base/base-connection.js'
import type { DormError } from '../errors.js'
import { getLogger } from './logging.js'

const observersLogger = getLogger('dorm.observers')

/** A statement about to run. */
export interface QueryStart {
  readonly alias: string
  readonly vendor: Vendor
  readonly sql: string
  readonly params: readonly unknown[]
}

/** A statement that finished (or failed). */
export interface QueryEnd extends QueryStart {
  readonly elapsed_ms: number
  readonly error: DormError | null
  /** Rows returned (reads, streams) or changed (writes); null when the statement failed. */
  readonly rowCount: number | null
}

/** Receives the start and end of every statement. */
export interface QueryObserver<S = unknown> {
  start(query: QueryStart): S
  end(state: S, query: QueryEnd): void
}

/** The installed observers; the pipeline reads it directly (copy on write). */
export let queryObservers: readonly QueryObserver[] = []

/** Installs an observer; returns the function that removes it. */
export function addQueryObserver<S>(observer: QueryObserver<S>): () => void {
  queryObservers = [...queryObservers, observer as QueryObserver]
  return () => {
    queryObservers = queryObservers.filter((o) => o !== observer)
  }
}

function report(err: unknown, phase: string): void {
  observersLogger.error(
    `query observer ${phase} raised: ${err instanceof Error ? err.message : String(err)}`,
    { phase },
    err,
  )
}

/** Calls `start` on every observer; returns their states (pipeline use). */
export function startObservers(observers: readonly QueryObserver[], query: QueryStart): unknown[] {
  const states = new Array<unknown>(observers.length)
  for (let i = 0; i < observers.length; i++) {
    try {
      states[i] = (observers[i] as QueryObserver).start(query)
    } catch (err) {
      report(err, 'start')
    }
  }
  return states
}

/** Calls `end` on every observer that started (pipeline use). */
export function endObservers(observers: readonly QueryObserver[], states: unknown[], query: QueryEnd): void {
  for (let i = 0; i < observers.length; i++) {
    try {
      ;(observers[i] as QueryObserver).end(states[i], query)
    } catch (err) {
      report(err, 'end')
    }
  }
}
