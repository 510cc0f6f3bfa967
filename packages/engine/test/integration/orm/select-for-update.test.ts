/**
 * selectForUpdate(): row locks on PostgreSQL across two connections (a second locker waits,
 * skipLocked skips the locked rows, noWait fails fast with OperationalError), the clear error
 * outside atomic(), and the SQLite/libsql behaviour (no FOR UPDATE: the transaction locks the
 * database).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { atomic, DormError, FieldError, OperationalError } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Counter, Title, Writer } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { waitFor, withAdmin } from '../../support/pg-admin.js'

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe.each(testBackends())('selectForUpdate() on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'
  let url = ''

  beforeAll(async () => {
    url = await setupOrmDatabase(backend, 'conf_lock', CONF_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(async () => {
    await truncate(CONF_MODELS)
    await Counter.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
  })

  /** Holds a lock on counter 'a' in a transaction of its own until `release` resolves. */
  function holdLockOnA(release: Promise<void>) {
    const locked = deferred()
    const done = atomic(async () => {
      const rows = await Counter.objects.filter({ name: 'a' }).selectForUpdate()
      expect(rows).toHaveLength(1)
      locked.resolve()
      await release
      await Counter.objects.filter({ name: 'a' }).update({ value: 42 })
    })
    return { locked: locked.promise, done }
  }

  const waitingOnLocks = async () => {
    const database = new URL(url).pathname.slice(1)
    return withAdmin(url, async (c) => {
      const r = await c.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        [database],
      )
      return r.rows[0].n as number
    })
  }

  it('compiles FOR UPDATE / SKIP LOCKED / NOWAIT on PostgreSQL and nothing on SQLite', () => {
    const sql = (qs: { toSQL(): { sql: string } }) => qs.toSQL().sql
    const base = Counter.objects.filter({ name: 'a' })
    if (pg) {
      expect(sql(base.selectForUpdate())).toMatch(/ WHERE "conf_counter"."name" = \$1 FOR UPDATE$/)
      expect(sql(base.selectForUpdate({ skipLocked: true }))).toMatch(/ FOR UPDATE SKIP LOCKED$/)
      expect(sql(base.selectForUpdate({ noWait: true }))).toMatch(/ FOR UPDATE NOWAIT$/)
      expect(sql(base.limit(1).selectForUpdate())).toMatch(/ LIMIT \$2 FOR UPDATE$/)
    } else {
      expect(sql(base.selectForUpdate())).not.toContain('FOR UPDATE')
    }
    expect(() => base.selectForUpdate({ skipLocked: true, noWait: true })).toThrow(FieldError)
  })

  it('outside atomic() fails with a clear error on PostgreSQL (and just reads on SQLite)', async () => {
    const qs = Counter.objects.filter({ name: 'a' }).selectForUpdate()
    if (pg) {
      const err = await Promise.resolve(qs).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DormError)
      expect(err).toMatchObject({ code: 'TRANSACTION_REQUIRED' })
      expect((err as Error).message).toMatch(/selectForUpdate\(\).*must run inside atomic\(\)/)
    } else {
      expect(await qs).toHaveLength(1)
    }
    // inside atomic() it returns the rows
    expect((await atomic(async () => qs)).map((c) => c.name)).toEqual(['a'])
  })

  it.runIf(pg)('a second transaction locking the same row waits until the first one ends', async () => {
    const release = deferred()
    const first = holdLockOnA(release.promise)
    await first.locked
    let secondDone = false
    const second = atomic(async () => {
      const [row] = await Counter.objects.filter({ name: 'a' }).selectForUpdate()
      return row?.value
    }).then((value) => {
      secondDone = true
      return value
    })
    await waitFor(async () => (await waitingOnLocks()) === 1)
    expect(secondDone).toBe(false)
    // a plain read is not blocked by the row lock
    expect((await Counter.objects.get({ name: 'a' })).value).toBe(0)
    release.resolve()
    await first.done
    // READ COMMITTED: the waiting locker reads the row as the first transaction left it
    expect(await second).toBe(42)
  })

  it.runIf(pg)('skipLocked skips the rows another transaction holds', async () => {
    const release = deferred()
    const first = holdLockOnA(release.promise)
    await first.locked
    const names = await atomic(async () =>
      (await Counter.objects.orderBy('name').selectForUpdate({ skipLocked: true })).map((c) => c.name),
    )
    expect(names).toEqual(['b', 'c'])
    release.resolve()
    await first.done
  })

  it.runIf(pg)('noWait fails fast with OperationalError instead of waiting', async () => {
    const release = deferred()
    const first = holdLockOnA(release.promise)
    await first.locked
    const started = performance.now()
    const err = await atomic(async () => Counter.objects.filter({ name: 'a' }).selectForUpdate({ noWait: true })).catch(
      (e: unknown) => e,
    )
    expect(performance.now() - started).toBeLessThan(2000)
    expect(err).toBeInstanceOf(OperationalError)
    expect(err).toMatchObject({ vendorCode: '55P03' })
    expect((err as Error).message).toMatch(/could not obtain lock/)
    release.resolve()
    await first.done
    expect((await Counter.objects.get({ name: 'a' })).value).toBe(42)
  })

  it('selectForUpdate({ of }) names the locked tables by self or selectRelated path', async () => {
    const ann = await Writer.objects.create({ name: 'Ann' })
    await Title.objects.create({ title: 'T', writer: ann })
    const qs = Title.objects.selectRelated('writer').selectForUpdate({ of: ['self'] })
    if (pg) {
      expect(qs.toSQL().sql).toMatch(/ FOR UPDATE OF "conf_title"$/)
      expect(
        Title.objects
          .selectRelated('writer')
          .selectForUpdate({ of: ['self', 'writer'] })
          .toSQL().sql,
      ).toMatch(/ FOR UPDATE OF "conf_title", "T1"$/)
    }
    expect(() => Title.objects.selectForUpdate({ of: ['writer'] }).toSQL()).toThrow(FieldError)
    expect(() => Title.objects.selectForUpdate({ of: ['"x"; DROP TABLE conf_title; --'] }).toSQL()).toThrow(FieldError)
    const rows = await atomic(async () => qs)
    expect(rows.map((t) => [t.title, (t.writer as { name: string }).name])).toEqual([['T', 'Ann']])
  })

  // PostgreSQL refuses FOR UPDATE on the nullable side of an outer join: a required ForeignKey is INNER JOINed
  it('locks rows loaded with selectRelated() over a non-null ForeignKey', async () => {
    const ann = await Writer.objects.create({ name: 'Ann' })
    await Title.objects.create({ title: 'T', writer: ann })
    const rows = await atomic(async () => Title.objects.selectRelated('writer').selectForUpdate())
    expect(rows.map((t) => [t.title, (t.writer as { name: string }).name])).toEqual([['T', 'Ann']])
  })
})
