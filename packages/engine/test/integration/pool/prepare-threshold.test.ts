import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'

const pgUrl = inject('pgUrl')
const SHAPE = 'SELECT $1::int + 40 AS answer'

async function preparedCount(): Promise<number> {
  // MAX_POOL_SIZE 1: this runs on the same connection as the shape under test
  const r = await getConnection().execute(
    'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1',
    [SHAPE],
  )
  return r.rows[0]?.n as number
}

function configureThreshold(threshold: number | null): void {
  configure({
    DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 1, PREPARE_THRESHOLD: threshold } },
  })
}

describe('PREPARE_THRESHOLD', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('server-prepares a shape after PREPARE_THRESHOLD executions on that connection', async () => {
    configureThreshold(3)
    const db = getConnection()
    for (let i = 0; i < 2; i++) await db.execute(SHAPE, [2])
    expect(await preparedCount()).toBe(0)
    await db.execute(SHAPE, [2])
    expect(await preparedCount()).toBe(1)
    // reused, not prepared again, and still correct
    expect((await db.execute(SHAPE, [1])).rows[0]).toEqual({ answer: 41 })
    expect(await preparedCount()).toBe(1)
  })

  it('uses the default of 5', async () => {
    configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 1 } } })
    const db = getConnection()
    for (let i = 0; i < 4; i++) await db.execute(SHAPE, [i])
    expect(await preparedCount()).toBe(0)
    await db.execute(SHAPE, [5])
    expect(await preparedCount()).toBe(1)
  })

  it('prepares on first use with 0 and never with null', async () => {
    configureThreshold(0)
    await getConnection().execute(SHAPE, [1])
    expect(await preparedCount()).toBe(1)
    await closeAll()
    configureThreshold(null)
    for (let i = 0; i < 20; i++) await getConnection().execute(SHAPE, [i])
    expect(await preparedCount()).toBe(0)
  })
})
