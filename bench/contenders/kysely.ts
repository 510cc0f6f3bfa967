/**
 * Kysely on PostgreSQL (PostgresDialect over a pg Pool, with pg-cursor for streaming) or SQLite
 * (SqliteDialect over better-sqlite3). Relations use `jsonArrayFrom` (one statement).
 */
import { createRequire } from 'node:module'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { jsonArrayFrom as pgJsonArrayFrom } from 'kysely/helpers/postgres'
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite'
import pg from 'pg'
import { POST_COLUMNS, USER_COLUMNS } from '../suite/schema.js'
import type { Contender, ContenderEnv, UserWithPosts } from './contender.js'
import { type BenchDatabase, eventValues } from './kysely-types.js'

/**
 * The Kysely contender on one backend.
 *
 * @example
 * ```ts
 * const contender = createKysely(env, 'postgresql')
 * ```
 */
export function createKysely(env: ContenderEnv, backend: 'postgresql' | 'sqlite'): Contender {
  const isPg = backend === 'postgresql'
  const dialect = isPg
    ? new PostgresDialect({
        pool: new pg.Pool({ connectionString: env.pgUrl, max: env.poolMax }),
        cursor: createRequire(import.meta.url)('pg-cursor'),
      })
    : new SqliteDialect({
        database: (() => {
          const db = new SqliteDatabase(env.sqlitePath)
          db.pragma('journal_mode = WAL')
          db.pragma('synchronous = NORMAL')
          return db
        })(),
      })
  const db = new Kysely<BenchDatabase>({ dialect })
  const jsonArrayFrom = isPg ? pgJsonArrayFrom : sqliteJsonArrayFrom
  const userColumns = USER_COLUMNS.map((c) => `users.${c}` as const)
  const postColumns = POST_COLUMNS.map((c) => `posts.${c}` as const)
  const compiled = (i: number) =>
    db
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.user_id')
      .select(postColumns)
      .where((eb) =>
        eb.and([
          eb.or([eb('posts.views', '>=', i), eb('posts.title', 'like', 'post 1%')]),
          eb('users.active', '=', true),
        ]),
      )
      .orderBy('posts.created_at', 'desc')
      .limit(20)
      .compile()

  return {
    pointRead: (id) => db.selectFrom('users').select(userColumns).where('users.id', '=', id).executeTakeFirst(),
    page: (status) =>
      db
        .selectFrom('posts')
        .select(postColumns)
        .where('posts.status', '=', status)
        .orderBy('posts.created_at', 'desc')
        .limit(20)
        .execute(),
    fetchMany: (n) => db.selectFrom('posts').select(postColumns).orderBy('posts.id').limit(n).execute(),
    ...(isPg
      ? {
          async fetchIterate(n: number) {
            let count = 0
            for await (const _ of db.selectFrom('posts').select(postColumns).orderBy('posts.id').limit(n).stream(2000))
              count++
            return count
          },
        }
      : {}),
    async relations(userIds) {
      const rows = await db
        .selectFrom('users')
        .select(userColumns)
        .select((eb) =>
          jsonArrayFrom(
            eb.selectFrom('posts').select(postColumns).whereRef('posts.user_id', '=', 'users.id').orderBy('posts.id'),
          ).as('posts'),
        )
        .where('users.id', 'in', userIds)
        .orderBy('users.id')
        .execute()
      return rows as unknown as UserWithPosts[]
    },
    async insertOne(r) {
      return (await db.insertInto('events').values(eventValues(r, !isPg)).returning('id').executeTakeFirst())?.id
    },
    async bulkInsert(rows) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000) {
          await trx
            .insertInto('events')
            .values(rows.slice(i, i + 1000).map((r) => eventValues(r, !isPg)))
            .execute()
        }
      })
    },
    ...(isPg
      ? {
          async bulkUpdate(pairs: Array<[number, number]>) {
            const values = sql.join(pairs.map(([id, balance]) => sql`(${id}::bigint, ${balance}::bigint)`))
            await sql`UPDATE "accounts" SET "balance" = "v"."balance" FROM (VALUES ${values}) AS "v" ("id", "balance") WHERE "accounts"."id" = "v"."id"`.execute(
              db,
            )
          },
          async bulkDelete(ids: number[]) {
            await db.deleteFrom('events').where('events.id', 'in', ids).execute()
          },
          async transfer(accountId: number) {
            await db.transaction().execute(async (trx) => {
              await trx
                .selectFrom('accounts')
                .select('accounts.balance')
                .where('accounts.id', '=', accountId)
                .forUpdate()
                .execute()
              await trx
                .updateTable('accounts')
                .set((eb) => ({ balance: eb('accounts.balance', '+', 1) }))
                .where('accounts.id', '=', accountId)
                .execute()
            })
          },
          aggregate: (fromUser: number, toUser: number) =>
            db
              .selectFrom('posts')
              .select((eb) => ['posts.category', eb.fn.countAll().as('n'), eb.fn.sum('posts.views').as('view_sum')])
              .where((eb) => eb.between('posts.user_id', fromUser, toUser))
              .groupBy('posts.category')
              .orderBy('posts.category')
              .execute(),
          async filteredCount(status: string, fromUser: number, toUser: number) {
            const row = await db
              .selectFrom('posts')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('posts.status', '=', status)
              .where((eb) => eb.between('posts.user_id', fromUser, toUser))
              .executeTakeFirst()
            return Number(row?.n)
          },
        }
      : {}),
    compileQuery: compiled,
    close: () => db.destroy(),
  }
}
