/**
 * Pool observers: the hook connection pools report checkouts, releases and timeouts to, for
 * metrics that need each event (wait-time and use-time histograms, timeout counters) rather than
 * the totals of `poolStats()`. With no observer installed a pool pays one length check per event.
 * Times are in milliseconds (payload keys are snake_case, like every payload that may leave the
 * process).
 *
 * An observer that throws is logged at ERROR on `dorm.observers` and never breaks the checkout.
 *
 * {@link poolGaugesOf} turns a `poolStats(alias)` report (whose shape differs per vendor) into the
 * same five gauges for every vendor, for exporters that read the pool at collection time.
 *
 * @example
 * ```ts
 * import { addPoolObserver } from '@dorm/engine'
 * const remove = addPoolObserver({
 *   checkout: ({ alias, wait_ms }) => waitHistogram.observe({ alias }, wait_ms / 1000),
 *   timeout: ({ alias }) => timeouts.inc({ alias }),
 * })
 * remove()
 * ```
 */
import type { PoolStatsReport } from '../backends/base/base-connection.js'
import { getLogger } from './logging.js'

const observersLogger = getLogger('dorm.observers')

/** A connection was handed out after waiting `wait_ms` (0 when one was free). */
export interface PoolCheckoutEvent {
  readonly alias: string
  readonly wait_ms: number
}

/** A connection came back after being held for `use_ms`. */
export interface PoolReleaseEvent {
  readonly alias: string
  readonly use_ms: number
}

/** A checkout waited POOL_TIMEOUT and failed with PoolTimeout. */
export interface PoolTimeoutObservation {
  readonly alias: string
}

/** Receives pool events; every method is optional. */
export interface PoolObserver {
  checkout?(event: PoolCheckoutEvent): void
  release?(event: PoolReleaseEvent): void
  timeout?(event: PoolTimeoutObservation): void
}

/** The installed observers; pools check its length before building an event (copy on write). */
export let poolObservers: readonly PoolObserver[] = []

/**
 * Installs a pool observer; returns the function that removes it.
 *
 * @example
 * ```ts
 * const remove = addPoolObserver({ release: ({ alias, use_ms }) => useTime.record(use_ms / 1000, { alias }) })
 * ```
 */
export function addPoolObserver(observer: PoolObserver): () => void {
  poolObservers = [...poolObservers, observer]
  return () => {
    poolObservers = poolObservers.filter((o) => o !== observer)
  }
}

function report(err: unknown, phase: string): void {
  observersLogger.error(
    `pool observer ${phase} raised: ${err instanceof Error ? err.message : String(err)}`,
    { phase },
    err,
  )
}

/**
 * Reports a checkout (pool use: call only when `poolObservers.length > 0`).
 *
 * @example
 * ```ts
 * if (poolObservers.length > 0) notifyPoolCheckout('default', performance.now() - start)
 * ```
 */
export function notifyPoolCheckout(alias: string, waitMs: number): void {
  const event: PoolCheckoutEvent = { alias, wait_ms: waitMs }
  for (const observer of poolObservers) {
    try {
      observer.checkout?.(event)
    } catch (err) {
      report(err, 'checkout')
    }
  }
}

/**
 * Reports a release (pool use: call only when `poolObservers.length > 0`).
 *
 * @example
 * ```ts
 * if (poolObservers.length > 0) notifyPoolRelease('default', now - conn.checkedOutAt)
 * ```
 */
export function notifyPoolRelease(alias: string, useMs: number): void {
  const event: PoolReleaseEvent = { alias, use_ms: useMs }
  for (const observer of poolObservers) {
    try {
      observer.release?.(event)
    } catch (err) {
      report(err, 'release')
    }
  }
}

/**
 * Reports a checkout that timed out (pool use: call only when `poolObservers.length > 0`).
 *
 * @example
 * ```ts
 * if (poolObservers.length > 0) notifyPoolTimeout('default')
 * ```
 */
export function notifyPoolTimeout(alias: string): void {
  const event: PoolTimeoutObservation = { alias }
  for (const observer of poolObservers) {
    try {
      observer.timeout?.(event)
    } catch (err) {
      report(err, 'timeout')
    }
  }
}

/** The pool of one alias as gauges, the same for every vendor. */
export interface PoolGauges {
  readonly alias: string
  readonly vendor: string
  /** Connections open (or being opened, on PostgreSQL). */
  readonly size: number
  /** Open connections nobody holds. */
  readonly idle: number
  /** Connections checked out. */
  readonly in_use: number
  /** MAX_POOL_SIZE (1 for SQLite and libsql: one connection per alias). */
  readonly max: number
  /** Checkouts queued for a connection. */
  readonly waiting: number
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/**
 * The gauges of a `poolStats(alias)` report; null before the alias was first used (no pool to
 * report, and reading must not create one). SQLite and libsql count their single connection as
 * the pool (size and max 1).
 *
 * @example
 * ```ts
 * for (const alias of databaseAliases()) {
 *   const gauges = poolGaugesOf(poolStats(alias))
 *   if (gauges !== null) waitingGauge.set({ alias }, gauges.waiting)
 * }
 * ```
 */
export function poolGaugesOf(report: PoolStatsReport | { alias: string; status: 'uninitialised' }): PoolGauges | null {
  if (!('vendor' in report) || report.error !== undefined) return null
  const { alias, vendor } = report
  if (vendor === 'postgresql') {
    const size = count(report.pool_size)
    const idle = count(report.pool_available)
    return {
      alias,
      vendor,
      size,
      idle,
      in_use: Math.max(0, size - idle),
      max: count(report.pool_max),
      waiting: count(report.requests_waiting),
    }
  }
  const inUse = count(report.in_use)
  return { alias, vendor, size: 1, idle: 1 - Math.min(1, inUse), in_use: inUse, max: 1, waiting: count(report.waiting) }
}
