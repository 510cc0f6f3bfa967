/**
 * The in-process event bus of dorm's operational events: retries, pool timeouts, circuit-breaker
 * state changes, exceeded budgets, replica deflections, sticky read-after-write pins and slow
 * queries. The telemetry exporter, Prometheus and user code subscribe with {@link onDormEvent};
 * with no subscriber, emitting costs one length check. A listener that throws is logged at ERROR
 * on `dorm.events` and never breaks the caller.
 *
 * Payloads keep snake_case keys: they leave the process as JSON.
 *
 * @example
 * ```ts
 * import { onDormEvent } from '@dorm/engine'
 * const off = onDormEvent((event) => {
 *   if (event.type === 'pool_timeout') alert(`pool of ${event.alias} saturated`)
 * })
 * off() // unsubscribe
 * ```
 */
import { getLogger } from './logging.js'

const eventsLogger = getLogger('dorm.events')

/** A transient error is being retried. */
export interface RetryEvent {
  type: 'retry'
  alias: string
  vendor: string
  attempt: number
  attempts: number
  delay_ms: number
  error: string
}

/** A checkout waited POOL_TIMEOUT and failed. */
export interface PoolTimeoutEvent {
  type: 'pool_timeout'
  alias: string
  timeout_ms: number
  in_use: number
  pool_max: number
  waiting: number
}

/** A circuit breaker changed state. */
export interface BreakerChangeEvent {
  type: 'breaker_change'
  name: string
  from: 'closed' | 'open' | 'half_open'
  to: 'closed' | 'open' | 'half_open'
  failures: number
}

/** A `budget()` limit was hit. */
export interface BudgetExceededEvent {
  type: 'budget_exceeded'
  alias: string
  limit: 'max_rows' | 'timeout_ms'
  budget: number
  /** Rows returned (max_rows) or milliseconds elapsed (timeout_ms). */
  actual: number
}

/** A read meant for a replica went to the primary because every replica lagged or was down. */
export interface ReplicaDeflectionEvent {
  type: 'replica_deflection'
  primary: string
  /** Lag in seconds per replica alias; null when the replica could not be measured. */
  lag_seconds: Record<string, number | null>
  max_lag_seconds: number
}

/** A read was sent to the alias of a recent write (sticky read-after-write). */
export interface StickyPinEvent {
  type: 'sticky_pin'
  model: string
  alias: string
}

/** A statement took at least SLOW_QUERY_MS. */
export interface SlowQueryEvent {
  type: 'slow_query'
  alias: string
  vendor: string
  sql: string
  elapsed_ms: number
  threshold_ms: number
}

/** Every event of the bus, discriminated by `type`. */
export type DormEvent =
  | RetryEvent
  | PoolTimeoutEvent
  | BreakerChangeEvent
  | BudgetExceededEvent
  | ReplicaDeflectionEvent
  | StickyPinEvent
  | SlowQueryEvent

/** An event as listeners receive it: stamped with the wall-clock time it was emitted. */
export type StampedDormEvent = DormEvent & { time: number }

export type DormEventListener = (event: StampedDormEvent) => void

let listeners: DormEventListener[] = []

/** Subscribes to every event; returns the function that unsubscribes. */
export function onDormEvent(listener: DormEventListener): () => void {
  listeners = [...listeners, listener]
  return () => {
    listeners = listeners.filter((l) => l !== listener)
  }
}

/** True when someone listens (emitters skip building payloads otherwise). */
export function hasDormEventListeners(): boolean {
  return listeners.length > 0
}

/** Sends an event to every listener, in subscription order. Never throws. */
export function emitDormEvent(event: DormEvent): void {
  if (listeners.length === 0) return
  const stamped = { ...event, time: Date.now() } as StampedDormEvent
  for (const listener of listeners) {
    try {
      listener(stamped)
    } catch (err) {
      eventsLogger.error(
        `listener ${listener.name || '<anonymous>'} of ${event.type} events raised: ${err instanceof Error ? err.message : String(err)}`,
        { type: event.type },
        err,
      )
    }
  }
}

/** Removes every listener (tests). */
export function resetDormEventListeners(): void {
  listeners = []
}
