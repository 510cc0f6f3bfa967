import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, inject, it } from 'vitest'
import {
  atomic,
  closeAll,
  configure,
  getConnection,
  PoolTimeout,
  poolStats,
  resetSettings,
} from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'

const pgUrl = inject('pgUrl')

/** Holds one pooled connection (inside atomic) until `release()` is called. */
function holdConnection(): { held: Promise<void>; release: () => void } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let markHeld!: () => void
  const held = new Promise<void>((resolve) => {
    markHeld = resolve
  })
  void atomic(async () => {
    markHeld()
    await gate
  })
  return { held, release }
}

describe('PoolTimeout', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('fires within 10% of POOL_TIMEOUT when MAX_POOL_SIZE connections are held', async () => {
    configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 0, MAX_POOL_SIZE: 2, POOL_TIMEOUT: 0.8 } } })
    const logs = captureLogs()
    const holders = [holdConnection(), holdConnection()]
    await Promise.all(holders.map((h) => h.held))
    expect(getConnection().poolStats()).toMatchObject({ in_use: 2, max_size: 2 })

    const start = performance.now()
    const error = await getConnection()
      .execute('SELECT 1')
      .catch((e: unknown) => e)
    const elapsed = performance.now() - start

    expect(error).toBeInstanceOf(PoolTimeout)
    expect((error as PoolTimeout).message).toMatch(/POOL_TIMEOUT=0.8s/)
    expect((error as PoolTimeout).message).toMatch(/Raise MAX_POOL_SIZE or POOL_TIMEOUT/)
    expect(elapsed).toBeGreaterThanOrEqual(800 * 0.9)
    expect(elapsed).toBeLessThanOrEqual(800 * 1.1)
    // PoolTimeout is not a connection failure: it is not retried
    expect(logs.records.filter((r) => r.logger === 'dorm.db' && r.message.startsWith('retrying'))).toHaveLength(0)
    expect(logs.records.some((r) => r.logger === 'dorm.db.pool' && r.level === 'WARNING')).toBe(true)
    expect(poolStats()).toMatchObject({ requests_errors: 1, requests_queued: 1 })

    for (const h of holders) h.release()
    await expect(getConnection().execute('SELECT 1')).resolves.toMatchObject({ rowCount: 1 })
    logs.stop()
  })

  it('serves waiters first in, first out', async () => {
    configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 0, MAX_POOL_SIZE: 1, POOL_TIMEOUT: 5 } } })
    const holder = holdConnection()
    await holder.held
    const order: number[] = []
    const waiters = [1, 2, 3, 4].map((n) =>
      getConnection()
        .execute('SELECT $1::int AS n', [n])
        .then((r) => order.push(r.rows[0]?.n as number)),
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(getConnection().poolStats().waiting).toBe(4)
    holder.release()
    await Promise.all(waiters)
    expect(order).toEqual([1, 2, 3, 4])
  })
})
