/**
 * Drizzle ORM on node-postgres: plain queries, or (`prepared`) the hot statements built once with
 * `.prepare(name)` and executed with placeholders, as Drizzle's own benchmarks do. Relations use
 * the relational query builder (one statement with a lateral JSON subquery).
 */
import { and, asc, between, count, desc, eq, gte, inArray, like, or, sql, sum } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import type { Contender, ContenderEnv } from './contender.js'
import * as schema from './drizzle-pg-schema.js'

const { users, posts, events, accounts } = schema

/**
 * The Drizzle contender on PostgreSQL.
 *
 * @example
 * ```ts
 * const contender = createDrizzlePg(env, { prepared: true })
 * ```
 */
export function createDrizzlePg(env: ContenderEnv, options: { prepared: boolean }): Contender {
  const pool = new pg.Pool({ connectionString: env.pgUrl, max: env.poolMax })
  const db = drizzle({ client: pool, schema })
  const ph = sql.placeholder
  const prepared = {
    point: db
      .select()
      .from(users)
      .where(eq(users.id, ph('id')))
      .prepare('d_point'),
    page: db
      .select()
      .from(posts)
      .where(eq(posts.status, ph('status')))
      .orderBy(desc(posts.createdAt))
      .limit(20)
      .prepare('d_page'),
    fetch: db.select().from(posts).orderBy(asc(posts.id)).limit(ph('n')).prepare('d_fetch'),
    insert: db
      .insert(events)
      .values({ userId: ph('userId'), kind: ph('kind'), amount: ph('amount'), createdAt: ph('createdAt') })
      .returning({ id: events.id })
      .prepare('d_insert'),
    aggregate: db
      .select({ category: posts.category, n: count(), viewSum: sum(posts.views) })
      .from(posts)
      .where(between(posts.userId, ph('from'), ph('to')))
      .groupBy(posts.category)
      .orderBy(posts.category)
      .prepare('d_aggregate'),
    count: db
      .select({ n: count() })
      .from(posts)
      .where(and(eq(posts.status, ph('status')), between(posts.userId, ph('from'), ph('to'))))
      .prepare('d_count'),
  }
  const compileQuery = (i: number) =>
    db
      .select()
      .from(posts)
      .innerJoin(users, eq(posts.userId, users.id))
      .where(and(or(gte(posts.views, i), like(posts.title, 'post 1%')), eq(users.active, true)))
      .orderBy(desc(posts.createdAt))
      .limit(20)
      .toSQL()

  const plain: Contender = {
    async pointRead(id) {
      return (await db.select().from(users).where(eq(users.id, id)))[0]
    },
    page: (status) => db.select().from(posts).where(eq(posts.status, status)).orderBy(desc(posts.createdAt)).limit(20),
    fetchMany: (n) => db.select().from(posts).orderBy(asc(posts.id)).limit(n),
    async relations(userIds) {
      return db.query.users.findMany({
        where: inArray(users.id, userIds),
        orderBy: asc(users.id),
        with: { posts: { orderBy: asc(posts.id) } },
      })
    },
    async insertOne(r) {
      return (await db.insert(events).values(r).returning({ id: events.id }))[0]?.id
    },
    async bulkInsert(rows) {
      await db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += 1000) await tx.insert(events).values(rows.slice(i, i + 1000))
      })
    },
    async bulkUpdate(pairs) {
      const values = sql.join(
        pairs.map(([id, balance]) => sql`(${id}::bigint, ${balance}::bigint)`),
        sql`, `,
      )
      await db.execute(
        sql`UPDATE ${accounts} SET "balance" = "v"."balance" FROM (VALUES ${values}) AS "v" ("id", "balance") WHERE ${accounts.id} = "v"."id"`,
      )
    },
    async bulkDelete(ids) {
      await db.delete(events).where(inArray(events.id, ids))
    },
    async transfer(accountId) {
      await db.transaction(async (tx) => {
        await tx.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, accountId)).for('update')
        await tx
          .update(accounts)
          .set({ balance: sql`${accounts.balance} + 1` })
          .where(eq(accounts.id, accountId))
      })
    },
    aggregate: (fromUser, toUser) =>
      db
        .select({ category: posts.category, n: count(), viewSum: sum(posts.views) })
        .from(posts)
        .where(between(posts.userId, fromUser, toUser))
        .groupBy(posts.category)
        .orderBy(posts.category),
    async filteredCount(status, fromUser, toUser) {
      const rows = await db
        .select({ n: count() })
        .from(posts)
        .where(and(eq(posts.status, status), between(posts.userId, fromUser, toUser)))
      return rows[0]?.n ?? 0
    },
    compileQuery,
    close: () => pool.end(),
  }
  if (!options.prepared) return plain
  return {
    ...plain,
    async pointRead(id) {
      return (await prepared.point.execute({ id }))[0]
    },
    page: (status) => prepared.page.execute({ status }),
    fetchMany: (n) => prepared.fetch.execute({ n }),
    async insertOne(r) {
      return (await prepared.insert.execute({ ...r }))[0]?.id
    },
    aggregate: (from, to) => prepared.aggregate.execute({ from, to }),
    async filteredCount(status, from, to) {
      return (await prepared.count.execute({ status, from, to }))[0]?.n ?? 0
    },
  }
}
