import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, poolStats, resetSettings } from '../../../src/index.js'
import { backendPids, terminateBackends, uniqueAppName, waitFor } from '../../support/pg-admin.js'

const pgUrl = inject('pgUrl')

describe('terminated pool connections', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('after pg_terminate_backend of every pool connection the next queries succeed', async () => {
    const app = uniqueAppName('terminate')
    configure({
      DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 3, MAX_POOL_SIZE: 5, OPTIONS: { application_name: app } } },
    })
    const db = getConnection()
    await Promise.all([1, 2, 3].map(() => db.execute('SELECT pg_sleep(0.05)')))
    await waitFor(async () => (await backendPids(pgUrl, app)).length >= 3)
    const before = await backendPids(pgUrl, app)

    expect(await terminateBackends(pgUrl, app)).toBe(before.length)

    const results = await Promise.all([1, 2, 3, 4].map((n) => db.execute('SELECT $1::int AS n', [n])))
    expect(results.map((r) => r.rows[0]?.n)).toEqual([1, 2, 3, 4])
    const after = await backendPids(pgUrl, app)
    expect(after.some((pid) => before.includes(pid))).toBe(false)
    expect(Number((poolStats() as Record<string, unknown>).connections_lost)).toBeGreaterThanOrEqual(1)
  })

  it('a connection killed mid-query is retried on a fresh connection outside a transaction', async () => {
    const app = uniqueAppName('midquery')
    configure({
      RETRY_ATTEMPTS: 3,
      RETRY_BACKOFF: 0.05,
      DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 2, OPTIONS: { application_name: app } } },
    })
    const db = getConnection()
    await db.execute('SELECT 1')
    const running = db.execute('SELECT pg_sleep(0.4), 7 AS n')
    await waitFor(async () => (await backendPids(pgUrl, app)).length >= 1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await terminateBackends(pgUrl, app)
    await expect(running).resolves.toMatchObject({ rows: [{ n: 7 }] })
  })
})
