import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeAll, configure, getConnection, PoolTimeout, resetSettings } from '../../src/index.js'
import { databaseUrlFor, testBackends } from '../support/backends.js'

const SERIES = {
  postgres: 'SELECT g AS n FROM generate_series(1, 5000) AS g',
  sqlite: 'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000) SELECT n FROM s',
  libsql: 'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000) SELECT n FROM s',
}

describe.each(testBackends())('executeStreaming on %s', (backend) => {
  beforeEach(() => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'streaming') } })
  })

  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('yields every row', async () => {
    let total = 0
    let count = 0
    for await (const row of getConnection().executeStreaming(SERIES[backend], [], { chunkSize: 700 })) {
      total += Number(row.n)
      count++
    }
    expect(count).toBe(5000)
    expect(total).toBe((5000 * 5001) / 2)
  })

  it('releases the connection when the consumer breaks early', async () => {
    const seen: number[] = []
    for await (const row of getConnection().executeStreaming(SERIES[backend], [], { chunkSize: 10 })) {
      seen.push(Number(row.n))
      if (seen.length === 3) break
    }
    expect(seen).toEqual([1, 2, 3])
    expect(getConnection().poolStats().in_use).toBe(0)
    await expect(getConnection().execute('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] })
  })

  it('rejects a bad chunkSize', () => {
    expect(() => getConnection().executeStreaming('SELECT 1', [], { chunkSize: 0 })).toThrow(/chunkSize/)
  })
})

describe.each(testBackends().filter((b) => b !== 'postgres'))('a statement inside a stream loop on %s', (backend) => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('fails with PoolTimeout naming the cause instead of hanging', async () => {
    configure({ DATABASES: { default: { URL: databaseUrlFor(backend, 'stream-nested'), POOL_TIMEOUT: 0.3 } } })
    const error = await (async () => {
      for await (const _row of getConnection().executeStreaming(SERIES[backend], [], { chunkSize: 10 })) {
        await getConnection().execute('SELECT 1')
      }
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolTimeout)
    expect((error as Error).message).toMatch(/streaming loop on the same alias waits for the stream itself/)
    expect(getConnection().poolStats().in_use).toBe(0)
  })
})
