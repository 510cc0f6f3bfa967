import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, poolStats, resetSettings } from '../../../src/index.js'
import { waitFor } from '../../support/pg-admin.js'

const pgUrl = inject('pgUrl')

const FULL_KEYS = [
  'alias',
  'vendor',
  'has_pool',
  'pool_min',
  'pool_max',
  'pool_size',
  'pool_available',
  'requests_waiting',
  'requests_num',
  'requests_queued',
  'requests_wait_ms',
  'requests_errors',
  'usage_ms',
  'connections_num',
  'connections_ms',
  'connections_errors',
  'connections_lost',
]

describe('poolStats', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('is uninitialised before first use and never throws for unknown aliases', () => {
    configure({ DATABASES: { default: pgUrl } })
    expect(poolStats('default')).toEqual({ alias: 'default', status: 'uninitialised' })
    expect(poolStats('nope')).toEqual({ alias: 'nope', status: 'uninitialised' })
  })

  it('has every key of the seed and the counters move as queries run', async () => {
    configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 7 } } })
    const db = getConnection()
    await db.execute('SELECT 1')
    const before = poolStats() as Record<string, number>
    expect(Object.keys(before).sort()).toEqual([...FULL_KEYS].sort())
    expect(before).toMatchObject({ alias: 'default', vendor: 'postgresql', has_pool: true, pool_min: 1, pool_max: 7 })

    await Promise.all([1, 2, 3].map(() => db.execute('SELECT pg_sleep(0.02)')))
    const after = poolStats() as Record<string, number>
    expect(after.requests_num).toBe((before.requests_num ?? 0) + 3)
    expect(after.usage_ms).toBeGreaterThan((before.usage_ms ?? 0) + 50)
    expect(after.connections_num).toBeGreaterThanOrEqual(3)
    expect(after.connections_ms).toBeGreaterThan(0)
    expect(after.pool_size).toBe(3)
    expect(after.pool_available).toBe(3)
    expect(after.requests_waiting).toBe(0)
  })

  it('gives the compact view on the connection', async () => {
    configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 2, MAX_POOL_SIZE: 20 } } })
    const db = getConnection()
    await db.execute('SELECT 1')
    // the second MIN_POOL_SIZE connection may still be opening in the background
    await waitFor(() => db.poolStats().idle === 2)
    const stats = db.poolStats()
    expect(Object.keys(stats).sort()).toEqual(['idle', 'in_use', 'max_size', 'size', 'waiting'])
    expect(stats.max_size).toBe(20)
    expect(stats.in_use).toBe(0)
    expect(stats.size).toBe(2)
  })
})
