/**
 * dorm through its public ORM API on PostgreSQL (PREPARE_THRESHOLD 5, 0 or off, POOL_CHECK on or
 * off, optionally with observability receivers installed), SQLite (better-sqlite3) or libsql.
 */
import { instrument } from '../../packages/engine/dist/contrib/otel/index.js'
import {
  atomic,
  Count,
  closeAll,
  configure,
  F,
  getConnection,
  postQuery,
  Q,
  Sum,
} from '../../packages/engine/dist/index.js'
import { dialectFor } from '../../packages/engine/dist/query/dialects.js'
import { hydrateInstances } from '../../packages/engine/dist/query/hydrate.js'
import { compileSelect } from '../../packages/engine/dist/query/statements.js'
import type { Contender, ContenderEnv, UserWithPosts } from './contender.js'
import { Account, Event, POST_FIELDS, Post, User } from './dorm-models.js'

export interface DormOptions {
  engine: 'postgresql' | 'sqlite' | 'libsql'
  /** PREPARE_THRESHOLD (PostgreSQL): 5, 0 (always) or null (never). */
  prepareThreshold?: number | null
  /** POOL_CHECK (PostgreSQL); default true. */
  poolCheck?: boolean
  /** Install a postQuery receiver and OpenTelemetry on the API's no-op tracer. */
  hooks?: boolean
}

function databaseSettings(env: ContenderEnv, options: DormOptions): Record<string, unknown> {
  if (options.engine === 'postgresql') {
    return {
      URL: env.pgUrl,
      MIN_POOL_SIZE: 1,
      MAX_POOL_SIZE: env.poolMax,
      PREPARE_THRESHOLD: options.prepareThreshold === undefined ? 5 : options.prepareThreshold,
      POOL_CHECK: options.poolCheck ?? true,
    }
  }
  return { ENGINE: options.engine, NAME: env.sqlitePath }
}

/**
 * A dorm contender; `open()` must resolve before the first call.
 *
 * @example
 * ```ts
 * const dorm = await createDorm(env, { engine: 'postgresql', prepareThreshold: 5 })
 * await dorm.pointRead?.(1)
 * ```
 */
export async function createDorm(env: ContenderEnv, options: DormOptions): Promise<Contender> {
  configure({
    DATABASES: { default: databaseSettings(env, options) as never },
    SLOW_QUERY_MS: 500,
    RETRY_ATTEMPTS: 1,
  })
  const connection = getConnection()
  if (options.engine !== 'postgresql') await connection.execute('PRAGMA synchronous = NORMAL')
  else await connection.execute('SELECT 1')
  if (options.hooks) {
    postQuery.connect(() => {}, { dispatchUid: 'bench-hooks' })
    instrument()
  }
  const vendor = connection.vendor
  const dialect = dialectFor(vendor)
  let hydration: { state: ReturnType<typeof Post.objects.all>['state']; columns: unknown; rows: unknown[] } | null =
    null

  const postQuerySet = (i: number) =>
    Post.objects
      .filter(Q.or(Q({ views__gte: i }), Q({ title__startswith: 'post 1' })), { user__active: true } as never)
      .orderBy('-createdAt')
      .limit(20)

  return {
    pointRead: (id) => User.objects.get({ pk: id }),
    async checkout() {
      ;(await getConnection().acquireLease()).release()
    },
    async checkoutSelect1() {
      const lease = await getConnection().acquireLease()
      try {
        await lease.session.query('SELECT 1', [])
      } finally {
        lease.release()
      }
    },
    page: async (status) => await Post.objects.filter({ status }).orderBy('-createdAt').limit(20),
    fetchMany: async (n) => await Post.objects.orderBy('id').limit(n),
    fetchValues: async (n) =>
      await Post.objects
        .orderBy('id')
        .limit(n)
        .values(...POST_FIELDS),
    async fetchIterate(n) {
      let count = 0
      for await (const _ of Post.objects.orderBy('id').limit(n).iterator({ chunkSize: 2000 })) count++
      return count
    },
    async relations(userIds) {
      const users = await User.objects.filter({ pk__in: userIds }).orderBy('id').prefetchRelated('posts')
      const out: UserWithPosts[] = []
      for (const user of users) {
        const posts = await (
          user as unknown as { posts: { all(): Promise<Array<{ id: unknown; title: unknown }>> } }
        ).posts.all()
        out.push({
          id: user.id,
          name: user.name,
          posts: posts.map((p) => ({ id: p.id, title: p.title })).sort((a, b) => Number(a.id) - Number(b.id)),
        })
      }
      return out
    },
    async insertOne(r) {
      return (await Event.objects.create(r)).id
    },
    async bulkInsert(rows) {
      await atomic(() => Event.objects.bulkCreate(rows, { batchSize: 1000 }))
    },
    async bulkUpdate(pairs) {
      const accounts = pairs.map(([id, balance]) => new Account({ id, balance, version: 0 } as never))
      await Account.objects.bulkUpdate(accounts, ['balance'])
    },
    async bulkDelete(ids) {
      await Event.objects.filter({ pk__in: ids }).delete()
    },
    async transfer(accountId) {
      await atomic(async () => {
        await Account.objects.selectForUpdate().get({ pk: accountId })
        await Account.objects.filter({ pk: accountId }).update({ balance: F('balance').add(1) })
      })
    },
    aggregate: async (fromUser, toUser) =>
      await Post.objects
        .filter({ user__range: [fromUser, toUser] } as never)
        .values('category')
        .annotate({ n: Count('id'), viewSum: Sum('views') })
        .orderBy('category'),
    filteredCount: (status, fromUser, toUser) =>
      Post.objects.filter({ status, user__range: [fromUser, toUser] } as never).count(),
    compileQuery: (i) => compileSelect(postQuerySet(i).state, dialect),
    async prepareHydration(n) {
      const qs = Post.objects.orderBy('id').limit(n)
      const compiled = compileSelect(qs.state, dialect)
      const { rows } = await connection.execute(compiled.sql, compiled.params)
      hydration = { state: qs.state, columns: compiled.columns, rows }
    },
    hydrate() {
      if (!hydration) throw new Error('prepareHydration() must run before hydrate()')
      return hydrateInstances(hydration.state, hydration.columns as never, hydration.rows as never, vendor, 'default')
    },
    close: () => closeAll(),
  }
}
