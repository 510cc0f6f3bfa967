import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  atomic,
  closeAll,
  configure,
  DormError,
  getConnection,
  inTransaction,
  onCommit,
  resetSettings,
} from '../../src/index.js'
import { databaseUrlFor, testBackends } from '../support/backends.js'

describe.each(testBackends())('atomic() on %s', (backend) => {
  const p = (n: number) => (backend === 'postgres' ? `$${n}` : '?')
  const table = `tx_items_${backend}_${process.pid}`

  beforeEach(async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'transactions') } })
    await getConnection().execute(`CREATE TABLE IF NOT EXISTS ${table} (n INTEGER)`)
    await getConnection().execute(`DELETE FROM ${table}`)
  })

  afterEach(async () => {
    await getConnection().execute(`DROP TABLE IF EXISTS ${table}`)
    await closeAll()
    resetSettings()
  })

  const count = async () => Number((await getConnection().execute(`SELECT count(*) AS c FROM ${table}`)).rows[0]?.c)
  const insert = (n: number) => getConnection().execute(`INSERT INTO ${table} (n) VALUES (${p(1)})`, [n])

  it('commits on return and rolls back on throw', async () => {
    await atomic(async () => {
      expect(inTransaction()).toBe(true)
      await insert(1)
    })
    expect(inTransaction()).toBe(false)
    await expect(
      atomic(async () => {
        await insert(2)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await count()).toBe(1)
  })

  it('uses savepoints for nested blocks', async () => {
    await atomic(async () => {
      await insert(1)
      await atomic(async () => {
        await insert(2)
        throw new Error('inner')
      }).catch(() => undefined)
      await atomic(async () => {
        await insert(3)
      })
    })
    const rows = (await getConnection().execute(`SELECT n FROM ${table} ORDER BY n`)).rows.map((r) => Number(r.n))
    expect(rows).toEqual([1, 3])
  })

  it('isolates the transaction from statements of other async contexts', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const tx = atomic(async () => {
      await insert(1)
      await gate
      throw new Error('roll back')
    }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const outside = insert(2)
    release()
    await Promise.all([tx, outside])
    const rows = (await getConnection().execute(`SELECT n FROM ${table}`)).rows.map((r) => Number(r.n))
    expect(rows).toEqual([2])
  })

  it('runs onCommit callbacks after commit only', async () => {
    const ran: string[] = []
    await atomic(async () => {
      onCommit(() => ran.push('outer'))
      await atomic(async () => {
        onCommit(() => ran.push('rolled back'))
        throw new Error('x')
      }).catch(() => undefined)
      expect(ran).toEqual([])
    })
    await atomic(async () => {
      onCommit(() => ran.push('never'))
      throw new Error('y')
    }).catch(() => undefined)
    onCommit(() => ran.push('immediate'))
    expect(ran).toEqual(['outer', 'immediate'])
  })

  it('refuses a durable block nested in another', async () => {
    await expect(atomic(() => atomic(async () => 1, { durable: true }))).rejects.toBeInstanceOf(DormError)
  })

  it('refuses executeStreaming inside atomic()', async () => {
    await atomic(async () => {
      expect(() => getConnection().executeStreaming('SELECT 1')).toThrow(/cannot be used inside an atomic\(\) block/)
    })
  })
})
