/**
 * contrib/otel metrics against a real PostgreSQL pool: connection counts and pending requests read
 * at collection time, wait time / use time histograms, the timeout counter after a PoolTimeout, and
 * the per-statement operation duration.
 */
import { type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { instrument, uninstrument } from '../../../src/contrib/otel/index.js'
import { atomic, closeAll, configure, getConnection, PoolTimeout, resetSettings } from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'

const pgUrl = inject('pgUrl')

/** A reader collected on demand. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function points(reader: MetricReader, name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect()
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)
  return (metric?.dataPoints ?? []) as DataPoint<unknown>[]
}

async function unit(reader: MetricReader, name: string): Promise<string | undefined> {
  const { resourceMetrics } = await reader.collect()
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.descriptor.unit
}

function pointValue(list: DataPoint<unknown>[], attributes: Record<string, string>): unknown {
  const match = list.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
  return match?.value
}

/** Holds one pooled connection (inside atomic) until `release()` is called. */
function holdConnection(): { held: Promise<void>; release: () => void; done: Promise<void> } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let markHeld!: () => void
  const held = new Promise<void>((resolve) => {
    markHeld = resolve
  })
  const done = atomic(async () => {
    markHeld()
    await gate
  })
  return { held, release, done }
}

describe('contrib/otel pool and operation metrics on postgres', () => {
  const reader = new TestReader()
  const meterProvider = new MeterProvider({ readers: [reader] })

  // the pool's exhaustion and timeout warnings are expected here
  const logs = captureLogs({ 'dorm.db.pool': 'ERROR' })

  beforeAll(() => {
    configure({
      DATABASES: {
        default: { URL: pgUrl, MIN_POOL_SIZE: 0, MAX_POOL_SIZE: 1, POOL_TIMEOUT: 0.3 },
        unused: { URL: pgUrl },
      },
    })
    instrument({ meterProvider })
  })
  afterAll(async () => {
    uninstrument()
    await meterProvider.shutdown()
    await closeAll()
    resetSettings()
    logs.stop()
  })

  it('counts connections by state and the pending checkouts, read at collection time', async () => {
    await getConnection().execute('SELECT 1')
    expect(
      pointValue(await points(reader, 'db.client.connection.count'), { 'db.client.connection.state': 'idle' }),
    ).toBe(1)
    const holder = holdConnection()
    await holder.held
    const waiting = getConnection().execute('SELECT 2')
    await new Promise((resolve) => setTimeout(resolve, 50))

    const count = await points(reader, 'db.client.connection.count')
    const pool = { 'db.client.connection.pool.name': 'default' }
    expect(pointValue(count, { ...pool, 'db.client.connection.state': 'used' })).toBe(1)
    expect(pointValue(count, { ...pool, 'db.client.connection.state': 'idle' })).toBe(0)
    expect(pointValue(await points(reader, 'db.client.connection.pending_requests'), pool)).toBe(1)
    expect(pointValue(await points(reader, 'db.client.connection.max'), pool)).toBe(1)
    expect(pointValue(await points(reader, 'db.client.connection.limit'), pool)).toBe(1)
    // an alias never used has no pool, and collecting does not open one
    expect(count.some((p) => p.attributes['db.client.connection.pool.name'] === 'unused')).toBe(false)

    holder.release()
    await Promise.all([holder.done, waiting])
  })

  it('after a pool timeout the timeout counter is 1 and wait_time has observations, in seconds', async () => {
    const holder = holdConnection()
    await holder.held
    const error = await getConnection()
      .execute('SELECT 1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolTimeout)
    holder.release()
    await holder.done
    await getConnection().execute('SELECT 1')

    const pool = { 'db.client.connection.pool.name': 'default' }
    expect(pointValue(await points(reader, 'db.client.connection.timeouts'), pool)).toBe(1)
    const wait = pointValue(await points(reader, 'db.client.connection.wait_time'), pool) as Histogram
    expect(wait.count).toBeGreaterThan(0)
    // the waiter of the first test queued behind a held connection for about 50 ms
    expect(wait.max).toBeGreaterThan(0.01)
    expect(wait.max).toBeLessThan(30)
    const use = pointValue(await points(reader, 'db.client.connection.use_time'), pool) as Histogram
    expect(use.count).toBe(wait.count)
    expect(await unit(reader, 'db.client.connection.wait_time')).toBe('s')
    expect(await unit(reader, 'db.client.connection.use_time')).toBe('s')
  })

  it('records db.client.operation.duration per alias, operation and table', async () => {
    await getConnection().execute('SELECT 1 FROM "pg_class" LIMIT 1')
    const durations = await points(reader, 'db.client.operation.duration')
    const select = pointValue(durations, {
      'db.system': 'postgresql',
      'db.dorm.alias': 'default',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'pg_class',
    }) as Histogram
    expect(select.count).toBe(1)
    expect(select.sum).toBeGreaterThan(0)
    expect(await unit(reader, 'db.client.operation.duration')).toBe('s')
  })
})
