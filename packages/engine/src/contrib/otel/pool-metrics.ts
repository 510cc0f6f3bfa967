/**
 * The connection-pool metrics of the OpenTelemetry database semantic conventions, per alias
 * (`db.client.connection.pool.name`). Gauges are read from `poolStats(alias)` at collection time
 * for every configured alias that has been used (reading never opens a pool); wait time, use time
 * and timeouts come from pool observers as they happen. Times are in seconds, as the conventions
 * have specified since they replaced the millisecond `db.client.connections.*` metrics.
 */
import type { Attributes, BatchObservableCallback, Meter } from '@opentelemetry/api'
import { databaseAliases } from '../../conf/settings.js'
import { poolStats } from '../../db/connection-registry.js'
import { addPoolObserver, poolGaugesOf } from '../../db/pool-observers.js'

const POOL_NAME = 'db.client.connection.pool.name'
const STATE = 'db.client.connection.state'
/** Bucket boundaries (seconds) for connection wait and use times: sub-millisecond to POOL_TIMEOUT scale. */
const CONNECTION_TIME_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/**
 * Creates the pool instruments on `meter` and starts feeding them; returns the function that
 * stops (the instruments stay registered on the meter but receive nothing more).
 *
 * @example
 * ```ts
 * const stop = startPoolMetrics(metrics.getMeter('dorm'))
 * stop()
 * ```
 */
export function startPoolMetrics(meter: Meter): () => void {
  const count = meter.createObservableUpDownCounter('db.client.connection.count', {
    description: 'Connections in the state given by db.client.connection.state (idle or used).',
    unit: '{connection}',
  })
  const max = meter.createObservableUpDownCounter('db.client.connection.max', {
    description: 'The maximum number of open connections allowed (MAX_POOL_SIZE).',
    unit: '{connection}',
  })
  const limit = meter.createObservableUpDownCounter('db.client.connection.limit', {
    description: 'The maximum number of open connections allowed (MAX_POOL_SIZE; newer name of .max).',
    unit: '{connection}',
  })
  const pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
    description: 'Checkouts waiting for a connection.',
    unit: '{request}',
  })
  const timeouts = meter.createCounter('db.client.connection.timeouts', {
    description: 'Checkouts that waited POOL_TIMEOUT and failed with PoolTimeout.',
    unit: '{timeout}',
  })
  const waitTime = meter.createHistogram('db.client.connection.wait_time', {
    description: 'The time it took to obtain a connection from the pool.',
    unit: 's',
    advice: { explicitBucketBoundaries: CONNECTION_TIME_BUCKETS },
  })
  const useTime = meter.createHistogram('db.client.connection.use_time', {
    description: 'The time between borrowing a connection and returning it to the pool.',
    unit: 's',
    advice: { explicitBucketBoundaries: CONNECTION_TIME_BUCKETS },
  })

  const observe: BatchObservableCallback = (result) => {
    for (const alias of databaseAliases()) {
      const gauges = poolGaugesOf(poolStats(alias))
      if (gauges === null) continue
      const pool: Attributes = { [POOL_NAME]: alias }
      result.observe(count, gauges.idle, { ...pool, [STATE]: 'idle' })
      result.observe(count, gauges.in_use, { ...pool, [STATE]: 'used' })
      result.observe(max, gauges.max, pool)
      result.observe(limit, gauges.max, pool)
      result.observe(pending, gauges.waiting, pool)
    }
  }
  const observables = [count, max, limit, pending]
  meter.addBatchObservableCallback(observe, observables)
  const removeObserver = addPoolObserver({
    checkout: ({ alias, wait_ms }) => waitTime.record(wait_ms / 1000, { [POOL_NAME]: alias }),
    release: ({ alias, use_ms }) => useTime.record(use_ms / 1000, { [POOL_NAME]: alias }),
    timeout: ({ alias }) => timeouts.add(1, { [POOL_NAME]: alias }),
  })
  return () => {
    removeObserver()
    meter.removeBatchObservableCallback(observe, observables)
  }
}
