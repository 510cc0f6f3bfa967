import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, DatabaseError, getConnection, poolStats, resetSettings } from '../../../src/index.js'
import { type BreakableProxy, startBreakableProxy } from '../../support/tcp-proxy.js'

const pgUrl = new URL(inject('pgUrl'))
let proxy: BreakableProxy

beforeAll(async () => {
  proxy = await startBreakableProxy(pgUrl.hostname, Number(pgUrl.port))
})

afterAll(async () => {
  await proxy.close()
})

function configureThroughProxy(check: boolean): void {
  configure({
    RETRY_ATTEMPTS: 1,
    DATABASES: {
      default: {
        ENGINE: 'postgresql',
        HOST: '127.0.0.1',
        PORT: proxy.port,
        USER: decodeURIComponent(pgUrl.username),
        NAME: pgUrl.pathname.slice(1),
        MIN_POOL_SIZE: 1,
        MAX_POOL_SIZE: 2,
        POOL_CHECK: check,
      },
    },
  })
}

const idleLongerThanTheCheckGrace = () => new Promise((resolve) => setTimeout(resolve, 1100))

describe('POOL_CHECK', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('drops a half-open connection on checkout and hands out a good one without an error', async () => {
    configureThroughProxy(true)
    const db = getConnection()
    await db.execute('SELECT 1')
    proxy.breakExisting()
    await idleLongerThanTheCheckGrace()
    // retries are off: only POOL_CHECK can save this query
    await expect(db.execute('SELECT 2 AS n')).resolves.toMatchObject({ rows: [{ n: 2 }] })
    expect(poolStats()).toMatchObject({ connections_lost: 1 })
  })

  it('without POOL_CHECK the caller meets the dead connection', async () => {
    configureThroughProxy(false)
    const db = getConnection()
    await db.execute('SELECT 1')
    proxy.breakExisting()
    await idleLongerThanTheCheckGrace()
    await expect(db.execute('SELECT 2 AS n')).rejects.toBeInstanceOf(DatabaseError)
    // and the broken connection is not reused
    await expect(db.execute('SELECT 3 AS n')).resolves.toMatchObject({ rows: [{ n: 3 }] })
  })

  it('trusts a connection used within the last second (no ping round trip)', async () => {
    configureThroughProxy(true)
    const db = getConnection()
    await db.execute('SELECT 1')
    proxy.breakExisting()
    // used moments ago: handed out without a check, so the break surfaces to the caller
    await expect(db.execute('SELECT 2 AS n')).rejects.toBeInstanceOf(DatabaseError)
  })
})
