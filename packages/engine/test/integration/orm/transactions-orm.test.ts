/**
 * atomic() through ORM calls: nested blocks are savepoints (an inner failure keeps the outer
 * writes, an outer failure drops everything), reads inside see the block's own writes, other
 * connections do not, and onCommit callbacks run only after the outermost COMMIT, on a connection
 * of their own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  atomic,
  closeAll,
  configure,
  DormError,
  F,
  getConnection,
  IntegrityError,
  inTransaction,
  onCommit,
} from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Counter, Item } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { withAdmin } from '../../support/pg-admin.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const names = async () => (await Counter.objects.orderBy('name').valuesList('name', { flat: true })) as string[]

describe.each(testBackends())('atomic() with the ORM on %s', (backend: TestBackend) => {
  let url = ''

  beforeAll(async () => {
    url = await setupOrmDatabase(backend, 'conf_tx', CONF_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(CONF_MODELS))

  it('an inner failure rolls back to its savepoint and keeps the outer writes', async () => {
    await atomic(async () => {
      await Counter.objects.create({ name: 'outer' })
      await expect(
        atomic(async () => {
          await Counter.objects.create({ name: 'inner' })
          await Counter.objects.filter({ name: 'outer' }).update({ value: 99 })
          expect(await names()).toEqual(['inner', 'outer'])
          throw new Error('inner boom')
        }),
      ).rejects.toThrow('inner boom')
      expect(await names()).toEqual(['outer'])
      expect((await Counter.objects.get({ name: 'outer' })).value).toBe(0)
      await Counter.objects.create({ name: 'after' })
    })
    expect(await names()).toEqual(['after', 'outer'])
  })

  it('a database error inside a savepoint leaves the outer transaction usable', async () => {
    await Counter.objects.create({ name: 'taken' })
    await atomic(async () => {
      await Counter.objects.create({ name: 'one' })
      const err = await atomic(() => Counter.objects.create({ name: 'taken' })).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(IntegrityError)
      // on PostgreSQL a failed statement poisons the transaction unless the savepoint is rolled back
      await Counter.objects.create({ name: 'two' })
    })
    expect(await names()).toEqual(['one', 'taken', 'two'])
  })

  it('an outer failure rolls back everything, released savepoints included', async () => {
    await Item.objects.create({ sku: 'keep', qty: 1 })
    await expect(
      atomic(async () => {
        await Counter.objects.create({ name: 'a' })
        await atomic(async () => {
          await Counter.objects.bulkCreate([{ name: 'b' }, { name: 'c' }])
          await Item.objects.filter({ sku: 'keep' }).update({ qty: F('qty').add(10) })
        })
        await Item.objects.filter({ sku: 'keep' }).delete()
        expect(await Item.objects.count()).toBe(0)
        throw new Error('outer boom')
      }),
    ).rejects.toThrow('outer boom')
    expect(await names()).toEqual([])
    expect((await Item.objects.get({ sku: 'keep' })).qty).toBe(1)
  })

  it('three levels: only the failing level is undone', async () => {
    await atomic(async () => {
      await Counter.objects.create({ name: 'l1' })
      await atomic(async () => {
        await Counter.objects.create({ name: 'l2' })
        await atomic(async () => {
          await Counter.objects.create({ name: 'l3' })
          throw new Error('l3')
        }).catch(() => undefined)
        expect(await names()).toEqual(['l1', 'l2'])
      })
      await atomic(async () => {
        await Counter.objects.create({ name: 'l2b' })
        throw new Error('l2b')
      }).catch(() => undefined)
    })
    expect(await names()).toEqual(['l1', 'l2'])
  })

  it.runIf(backend === 'postgres')('other connections do not see uncommitted ORM writes', async () => {
    const visible = () =>
      withAdmin(url, async (c) => Number((await c.query('SELECT count(*) AS n FROM conf_counter')).rows[0].n))
    await atomic(async () => {
      await Counter.objects.create({ name: 'hidden' })
      expect(await Counter.objects.count()).toBe(1)
      expect(await visible()).toBe(0)
    })
    expect(await visible()).toBe(1)
  })

  it('onCommit runs after the outermost COMMIT only, never after a rollback', async () => {
    const calls: string[] = []
    await atomic(async () => {
      await Counter.objects.create({ name: 'x' })
      onCommit(() => calls.push('outer'))
      await atomic(async () => {
        onCommit(() => calls.push('released savepoint'))
      })
      await atomic(async () => {
        onCommit(() => calls.push('rolled back savepoint'))
        throw new Error('undo')
      }).catch(() => undefined)
      expect(calls).toEqual([])
      expect(inTransaction()).toBe(true)
    })
    expect(calls).toEqual(['outer', 'released savepoint'])
    await atomic(async () => {
      onCommit(() => calls.push('never'))
      throw new Error('rollback')
    }).catch(() => undefined)
    expect(calls).toEqual(['outer', 'released savepoint'])
    // outside a transaction it runs at once
    onCommit(() => calls.push('now'))
    expect(calls.at(-1)).toBe('now')
  })

  it('an onCommit callback sees the committed rows and queries outside the finished transaction', async () => {
    let seen: number | undefined
    let inside: boolean | undefined
    let done!: () => void
    const finished = new Promise<void>((resolve) => {
      done = resolve
    })
    await atomic(async () => {
      await Counter.objects.create({ name: 'committed' })
      onCommit(async () => {
        inside = inTransaction()
        seen = await Counter.objects.count()
        done()
      })
    })
    await finished
    expect(inside).toBe(false)
    expect(seen).toBe(1)
  })

  it('an async onCommit callback never runs its queries inside a later transaction', async () => {
    // one connection: a callback still holding the finished block's connection would write inside
    // the next transaction (and be rolled back with it)
    await closeAll()
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 1, POOL_TIMEOUT: 5 } } })
    let done!: () => void
    const finished = new Promise<void>((resolve) => {
      done = resolve
    })
    await atomic(async () => {
      onCommit(async () => {
        await sleep(20)
        await Counter.objects.create({ name: 'from callback' })
        done()
      })
    })
    await atomic(async () => {
      await Counter.objects.create({ name: 'doomed' })
      await sleep(80)
      throw new Error('roll back the second block')
    }).catch(() => undefined)
    await finished
    expect(await names()).toEqual(['from callback'])
  })

  it('durable blocks refuse to nest', async () => {
    await expect(
      atomic(async () => {
        await atomic(() => Counter.objects.create({ name: 'd' }), { durable: true })
      }),
    ).rejects.toThrow(DormError)
    expect(await names()).toEqual([])
    void getConnection
  })
})
