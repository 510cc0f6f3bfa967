/**
 * DATABASE_ROUTERS and sticky read-after-write (API.md section 6, the seed's "Read replicas" and
 * READ_AFTER_WRITE_WINDOW): two databases stand in for a primary (`default`) and a replica
 * (`replica`), a third for `audit_writer`. There is no replication between them, so each one gets
 * marker rows of its own (raw SQL) and a read tells by its rows which database answered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  allowMigrate,
  atomic,
  configure,
  dbForRead,
  dbForWrite,
  getConnection,
  type Router,
  readAfterWriteScope,
  Sum,
} from '../../../src/index.js'
import { createTestDatabase, type TestBackend, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { createTables, placeholder, teardownOrm, truncate } from '../../support/orm.js'
import {
  Article,
  AuditEvent,
  AuditRouter,
  BrokenRouter,
  Comment,
  PrimaryReplicaRouter,
  ROUTING_MODELS,
} from '../../support/routing-models.js'

/** READ_AFTER_WRITE_WINDOW of these tests, in seconds: short, so waiting it out is cheap. */
const WINDOW = 0.3
const ALIASES = ['default', 'replica', 'audit_writer'] as const
type Alias = (typeof ALIASES)[number]
/** The marker rows: which database a read of articles or audit events came from. */
const SIDES: Record<Alias, string> = { default: 'primary', replica: 'replica', audit_writer: 'audit' }

/**
 * Runs `fn` as one request: with read-after-write marks of its own. Outside a scope, the first write
 * of an async context creates the marks for the rest of that context, and a write in the synchronous
 * start of a test function would hand them to the test runner and so to every later test.
 */
const request = <T>(fn: () => Promise<T>): Promise<T> => readAfterWriteScope(fn)
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const waitOutWindow = () => sleep(WINDOW * 1000 + 150)

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe.each(testBackends())('routing on %s', (backend: TestBackend) => {
  const p = (n: number) => placeholder(backend, n)

  async function exec(alias: Alias, sql: string, params: unknown[] = []) {
    return getConnection(alias).execute(sql, params)
  }

  /** How many rows of `table` match `where` on `alias`, read with raw SQL (no routers). */
  async function rawCount(alias: Alias, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
    const { rows } = await exec(alias, `SELECT COUNT(*) AS n FROM "${table}" WHERE ${where}`, params)
    return Number(rows[0]?.n)
  }

  /** Which database answered a read of articles, by the marker rows it returned. */
  async function articlesFrom(qs: PromiseLike<{ title: string }[]> = Article.objects.all()): Promise<string> {
    const titles = (await qs).map((a) => a.title)
    return sideOf(titles)
  }

  async function eventsFrom(qs: PromiseLike<{ action: string }[]> = AuditEvent.objects.all()): Promise<string> {
    return sideOf((await qs).map((e) => e.action))
  }

  function sideOf(names: string[]): string {
    const sides = Object.values(SIDES).filter((side) => names.includes(`on-${side}`))
    if (sides.length !== 1) throw new Error(`expected the markers of one database, got ${JSON.stringify(names)}`)
    return sides[0] as string
  }

  function useRouters(...routers: Router[]): void {
    configure({ DATABASE_ROUTERS: routers, READ_AFTER_WRITE_WINDOW: WINDOW })
  }

  beforeAll(async () => {
    const databases: Record<string, string> = {}
    for (const alias of ALIASES) databases[alias] = await createTestDatabase(backend, `routing_${alias}`)
    configure({ DATABASES: databases })
    for (const alias of ALIASES) await createTables(ROUTING_MODELS, alias)
  })
  afterAll(teardownOrm)

  beforeEach(async () => {
    useRouters(new PrimaryReplicaRouter())
    for (const alias of ALIASES) {
      await truncate(ROUTING_MODELS, alias)
      const side = SIDES[alias]
      // the replica has three articles (so counts and sums differ), the others two
      const articles = alias === 'replica' ? [`on-${side}`, `${side}-2`, `${side}-3`] : [`on-${side}`, `${side}-2`]
      for (const [i, title] of articles.entries()) {
        await exec(alias, `INSERT INTO "routing_article" ("title", "views") VALUES (${p(1)}, ${p(2)})`, [title, i + 1])
      }
      await exec(alias, `INSERT INTO "routing_audit_event" ("action") VALUES (${p(1)})`, [`on-${side}`])
    }
    // no marks left over from an earlier test
    expect(Article.objects.all().readAlias()).toBe('replica')
  })

  describe('PrimaryReplicaRouter', () => {
    it('sends every kind of read to the replica', async () => {
      expect(dbForRead(Article)).toBe('replica')
      expect(await articlesFrom()).toBe('replica')
      expect(await Article.objects.count()).toBe(3)
      expect(await Article.objects.filter({ title: 'on-replica' }).exists()).toBe(true)
      expect(await Article.objects.aggregate({ total: Sum('views') })).toEqual({ total: 6 })
      expect((await Article.objects.get({ title: 'on-replica' })).title).toBe('on-replica')
      expect(await Article.objects.getOrNone({ title: 'on-primary' })).toBeNull()
      expect((await Article.objects.first())?.title).toBe('on-replica')
      expect(await Article.objects.valuesList('title', { flat: true })).toEqual([
        'on-replica',
        'replica-2',
        'replica-3',
      ])
      expect(await Article.objects.filter({ views__lt: 3 }).values('title')).toEqual([
        { title: 'on-replica' },
        { title: 'replica-2' },
      ])
      const streamed: string[] = []
      for await (const article of Article.objects.iterator({ chunkSize: 1 })) streamed.push(article.title)
      expect(streamed).toEqual(['on-replica', 'replica-2', 'replica-3'])
      expect(Article.objects.all().readAlias()).toBe('replica')
    })

    it('sends writes to the primary', async () => {
      expect(dbForWrite(Article)).toBe('default')
      await request(async () => {
        await Article.objects.create({ title: 'written' })
        await Article.objects.bulkCreate([{ title: 'bulk-1' }, { title: 'bulk-2' }])
        await Article.objects.filter({ title: 'on-primary' }).update({ views: 42 })
      })
      expect(await rawCount('default', 'routing_article', `"title" LIKE 'bulk-%' OR "title" = 'written'`)).toBe(3)
      expect(await rawCount('default', 'routing_article', `"views" = 42`)).toBe(1)
      expect(await rawCount('replica', 'routing_article')).toBe(3)
      expect(await rawCount('replica', 'routing_article', `"views" = 42`)).toBe(0)
    })

    it('sends a locking read (selectForUpdate) to the primary, inside atomic() on the primary', async () => {
      expect(Article.objects.selectForUpdate().readAlias()).toBe('default')
      expect(Article.objects.selectForUpdate().using('replica').readAlias()).toBe('replica')
      const locked = await atomic(async () => await Article.objects.selectForUpdate().get({ title: 'on-primary' }))
      expect(locked.title).toBe('on-primary')
    })
  })

  describe('sticky read-after-write', () => {
    /** Each write kind: a preparation (loads, not writes) that returns the write itself. */
    const loadPrimary = () => Article.objects.using('default', { sticky: false })
    const writes: Record<string, () => Promise<() => Promise<unknown>>> = {
      'create()': async () => () => Article.objects.create({ title: 'new' }),
      'save() of a new instance': async () => {
        const article = new Article({ title: 'new' })
        return () => article.save()
      },
      'save() of a loaded instance': async () => {
        const article = await loadPrimary().get({ title: 'primary-2' })
        article.views = 9
        return () => article.save()
      },
      'QuerySet.update()': async () => () => Article.objects.filter({ title: 'primary-2' }).update({ views: 7 }),
      'QuerySet.delete()': async () => () => Article.objects.filter({ title: 'primary-2' }).delete(),
      'instance delete()': async () => {
        const article = await loadPrimary().get({ title: 'primary-2' })
        return () => article.delete()
      },
      'bulkCreate()': async () => () => Article.objects.bulkCreate([{ title: 'a' }, { title: 'b' }]),
      'bulkUpdate()': async () => {
        const articles = await loadPrimary().all()
        for (const article of articles) article.views = 5
        return () => Article.objects.bulkUpdate(articles, ['views'])
      },
    }

    it.each(Object.keys(writes))(
      'pins reads of the model to the primary after %s, for READ_AFTER_WRITE_WINDOW',
      async (name) => {
        const write = await (writes[name] as () => Promise<() => Promise<unknown>>)()
        expect(await articlesFrom()).toBe('replica')
        // no readAfterWriteScope: the write, called here after an await (so in this test's own
        // continuation, not in the runner's frame), creates the marks of this async context
        await write()
        expect(await articlesFrom()).toBe('primary')
        expect(await Article.objects.filter({ title: 'replica-2' }).count()).toBe(0)
        // also through using('replica'): the write went to 'default', so reads stay there
        expect(await articlesFrom(Article.objects.using('replica'))).toBe('primary')
        // ...unless the caller opts out
        expect(await articlesFrom(Article.objects.using('replica', { sticky: false }))).toBe('replica')
        // only the written model is pinned
        expect(await eventsFrom()).toBe('replica')
        await waitOutWindow()
        expect(await articlesFrom()).toBe('replica')
      },
    )

    it('pins inside readAfterWriteScope, through atomic(), getOrCreate() and updateOrCreate()', async () => {
      const after = async (write: () => Promise<unknown>) =>
        request(async () => {
          await write()
          return articlesFrom()
        })
      expect(await after(() => atomic(() => Article.objects.create({ title: 'in-tx' })))).toBe('primary')
      expect(await after(() => Article.objects.getOrCreate({ title: 'goc' }))).toBe('primary')
      expect(await after(() => Article.objects.updateOrCreate({ title: 'uoc' }, { views: 3 }))).toBe('primary')
      expect(await after(() => Article.objects.create({ title: 'plain' }))).toBe('primary')
      // a write made after an await inside a called function
      const rename = async () => {
        const article = await Article.objects.using('default', { sticky: false }).get({ title: 'primary-2' })
        article.title = 'renamed'
        await article.save()
      }
      expect(await after(rename)).toBe('primary')
      // the scopes ended: this context never wrote
      expect(await articlesFrom()).toBe('replica')
    })

    it('does not pin another request running at the same time', async () => {
      const written = deferred()
      const readDone = deferred()
      const [writer, reader] = await Promise.all([
        request(async () => {
          await Article.objects.create({ title: 'by-writer' })
          written.resolve()
          await readDone.promise
          return articlesFrom()
        }),
        request(async () => {
          await written.promise
          const side = await articlesFrom()
          readDone.resolve()
          return side
        }),
      ])
      expect(writer).toBe('primary')
      expect(reader).toBe('replica')
      expect(await articlesFrom()).toBe('replica')
    })

    it("using('replica', { sticky: false }) reads the replica right after a write", async () => {
      await request(async () => {
        await Article.objects.create({ title: 'new' })
        const replica = Article.objects.using('replica', { sticky: false })
        expect(await articlesFrom(replica)).toBe('replica')
        expect(await replica.count()).toBe(3)
        expect(replica.readAlias()).toBe('replica')
        expect(Article.objects.using('replica').readAlias()).toBe('default')
      })
    })

    it('READ_AFTER_WRITE_WINDOW 0 or null disables pinning', async () => {
      for (const window of [0, null]) {
        configure({ READ_AFTER_WRITE_WINDOW: window })
        await request(async () => {
          await Article.objects.create({ title: `window-${window}` })
          expect(await articlesFrom()).toBe('replica')
        })
      }
    })

    it('stops pinning as soon as the window is set to 0, even for writes made before', async () => {
      await request(async () => {
        await Article.objects.create({ title: 'new' })
        expect(await articlesFrom()).toBe('primary')
        configure({ READ_AFTER_WRITE_WINDOW: 0 })
        expect(await articlesFrom()).toBe('replica')
      })
    })

    it('pins the models a cascading delete wrote to, too', async () => {
      const article = await request(() => Article.objects.using('default').create({ title: 'with-comments' }))
      await request(() => Comment.objects.using('default').create({ article, body: 'first' }))
      const { rows } = await exec('replica', `SELECT "id" FROM "routing_article" WHERE "title" = 'on-replica'`)
      await exec('replica', `INSERT INTO "routing_comment" ("article_id", "body") VALUES (${p(1)}, ${p(2)})`, [
        rows[0]?.id,
        'on-replica',
      ])
      await request(async () => {
        await Article.objects.filter({ title: 'with-comments' }).delete()
        expect(await rawCount('default', 'routing_comment')).toBe(0)
        // the replica still has its own comment; a pinned read of comments would see none
        expect(await Comment.objects.count()).toBe(0)
      })
    })
  })

  describe('using()', () => {
    it('bypasses the routers for reads and writes', async () => {
      const asked: string[] = []
      const spy: Router = {
        dbForRead: (model) => {
          asked.push(`read ${model.meta.label}`)
          return 'replica'
        },
        dbForWrite: (model) => {
          asked.push(`write ${model.meta.label}`)
          return 'default'
        },
      }
      useRouters(spy)
      expect(await articlesFrom(Article.objects.using('default'))).toBe('primary')
      expect(await Article.objects.using('audit_writer').count()).toBe(2)
      await request(async () => {
        await Article.objects.using('audit_writer').create({ title: 'direct' })
        await Article.objects.using('audit_writer').filter({ title: 'direct' }).update({ views: 8 })
        // the write pins reads to where it went, which the routers would not have picked either
        expect(await articlesFrom()).toBe('audit')
      })
      expect(await rawCount('audit_writer', 'routing_article', `"title" = 'direct' AND "views" = 8`)).toBe(1)
      expect(await rawCount('default', 'routing_article', `"title" = 'direct'`)).toBe(0)
      expect(asked).toEqual([])
      // without using(), the spy decides
      expect(await articlesFrom()).toBe('replica')
      await request(() => Article.objects.create({ title: 'routed' }))
      expect(asked).toEqual(['read routing.Article', 'write routing.Article'])
    })
  })

  describe('instances', () => {
    it("falls back to the instance's own alias when no router answers for it", async () => {
      useRouters({ dbForRead: () => null })
      const article = await Article.objects.using('audit_writer').get({ title: 'on-audit' })
      expect(dbForWrite(Article, { instance: article })).toBe('audit_writer')
      expect(dbForRead(Article, { instance: article })).toBe('audit_writer')
      expect(dbForWrite(Article, { instance: new Article({ title: 'unsaved' }) })).toBe('default')
      useRouters(new PrimaryReplicaRouter())
      expect(dbForWrite(Article, { instance: article })).toBe('default')
    })

    it('saves an instance read from the replica through the routers, to the primary', async () => {
      await request(async () => {
        const article = await Article.objects.get({ title: 'on-replica' })
        article.views = 99
        await article.save()
        expect(await rawCount('replica', 'routing_article', `"views" = 99`)).toBe(0)
        expect(await rawCount('default', 'routing_article', `"views" = 99`)).toBe(1)
      })
    })

    it('refreshFromDb() right after a write of the model reads the primary', async () => {
      await request(async () => {
        const article = await Article.objects.get({ title: 'on-replica' })
        // the primary holds the same pk (as the origin of a real replica's row would): updated there
        await exec('default', `UPDATE "routing_article" SET "id" = ${p(1)} WHERE "title" = 'on-primary'`, [article.id])
        await Article.objects.filter({ pk: article.id }).update({ views: 51 })
        await article.refreshFromDb()
        expect(article.views).toBe(51)
      })
    })
  })

  describe('router chain', () => {
    it('skips a router that throws, logs it, and asks the next one', async () => {
      const logs = captureLogs()
      try {
        useRouters(new BrokenRouter(), new PrimaryReplicaRouter())
        expect(await articlesFrom()).toBe('replica')
        await request(() => Article.objects.create({ title: 'after-broken' }))
        expect(await rawCount('default', 'routing_article', `"title" = 'after-broken'`)).toBe(1)
        expect(allowMigrate('replica', 'routing')).toBe(false)
        const warnings = logs.records.filter((r) => r.logger === 'dorm.db' && r.level === 'WARNING')
        const messages = warnings.map((r) => r.message)
        expect(messages).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/BrokenRouter\.dbForRead failed for routing\.Article .*replica registry unreachable/),
            expect.stringMatching(
              /BrokenRouter\.dbForWrite failed for routing\.Article .*replica registry unreachable/,
            ),
            expect.stringMatching(/BrokenRouter\.allowMigrate failed for app 'routing' on 'replica' .*unreachable/),
          ]),
        )
      } finally {
        logs.stop()
      }
    })

    it("falls back to 'default' when no router answers", async () => {
      const logs = captureLogs()
      try {
        useRouters(new BrokenRouter(), {}, { dbForRead: () => null, dbForWrite: () => undefined })
        expect(dbForRead(Article)).toBe('default')
        expect(dbForWrite(Article)).toBe('default')
        expect(await articlesFrom()).toBe('primary')
        expect(allowMigrate('replica', 'routing')).toBe(true)
        // dbForRead twice (direct and for the query), dbForWrite, allowMigrate
        expect(logs.records.filter((r) => r.level === 'WARNING')).toHaveLength(4)
      } finally {
        logs.stop()
      }
      useRouters()
      expect(dbForRead(Article)).toBe('default')
    })

    it('an AuditRouter sends the audit app to its own database and leaves the rest to the next router', async () => {
      const audit = new AuditRouter()
      useRouters(audit, new PrimaryReplicaRouter())
      expect(dbForWrite(AuditEvent)).toBe('audit_writer')
      expect(dbForWrite(Article)).toBe('default')
      expect(dbForRead(AuditEvent)).toBe('replica')
      audit.seen.length = 0

      await request(async () => {
        await AuditEvent.objects.create({ action: 'login' })
        await Article.objects.create({ title: 'audited' })
        expect(await rawCount('audit_writer', 'routing_audit_event', `"action" = 'login'`)).toBe(1)
        expect(await rawCount('default', 'routing_audit_event', `"action" = 'login'`)).toBe(0)
        expect(await rawCount('default', 'routing_article', `"title" = 'audited'`)).toBe(1)
        expect(await rawCount('audit_writer', 'routing_article', `"title" = 'audited'`)).toBe(0)
        expect(audit.seen).toEqual(['audit.event', 'routing.article'])

        // each model is pinned to where its own write went
        expect(await eventsFrom()).toBe('audit')
        expect(await articlesFrom()).toBe('primary')
        await waitOutWindow()
        expect(await eventsFrom()).toBe('replica')
        expect(await articlesFrom()).toBe('replica')
      })
    })
  })

  describe('allowMigrate', () => {
    it('answers from the first router with an opinion, true when none has one', () => {
      useRouters()
      expect(allowMigrate('replica', 'routing')).toBe(true)
      useRouters(new PrimaryReplicaRouter())
      expect(allowMigrate('default', 'routing')).toBe(true)
      expect(allowMigrate('replica', 'routing')).toBe(false)
      useRouters(new AuditRouter(), new PrimaryReplicaRouter())
      expect(allowMigrate('audit_writer', 'audit')).toBe(true)
      expect(allowMigrate('default', 'audit')).toBe(false)
      expect(allowMigrate('audit_writer', 'routing')).toBe(false)
      expect(allowMigrate('default', 'routing')).toBe(true)
      expect(allowMigrate('replica', 'routing')).toBe(false)
      useRouters({ dbForRead: () => 'replica' }, new AuditRouter())
      expect(allowMigrate('replica', 'routing')).toBe(true)
    })
  })
})
