/**
 * postgres.js (`postgres`), default `prepare: true`: every statement is a named prepared statement
 * and concurrent queries pipeline on a connection. It runs the exact SQL text of raw `pg`
 * (`sql.unsafe(text, params, { prepare: true })`), and its own helpers for bulk inserts.
 */
import postgres from 'postgres'
import type { Contender, ContenderEnv } from './contender.js'
import { SQL, stitch, valuesPlaceholders } from './pg-raw.js'

/**
 * The postgres.js contender.
 *
 * @example
 * ```ts
 * const contender = createPostgresJs({ pgUrl, sqlitePath: '', poolMax: 10 })
 * ```
 */
export function createPostgresJs(env: ContenderEnv): Contender {
  const sql = postgres(env.pgUrl, { max: env.poolMax, prepare: true, onnotice: () => {} })
  type Params = postgres.ParameterOrJSON<never>[]
  const run = <R extends object = postgres.Row>(text: string, params: unknown[] = []) =>
    sql.unsafe<R[]>(text, params as Params, { prepare: true })
  return {
    async pointRead(id) {
      return (await run(SQL.point, [id]))[0]
    },
    async checkout() {
      const reserved = await sql.reserve()
      reserved.release()
    },
    async checkoutSelect1() {
      const reserved = await sql.reserve()
      try {
        await reserved.unsafe('SELECT 1', [], { prepare: true })
      } finally {
        reserved.release()
      }
    },
    page: (status) => run(SQL.page, [status]),
    fetchMany: (n) => run(SQL.fetch, [n]),
    async fetchIterate(n) {
      let count = 0
      for await (const rows of sql.unsafe(SQL.fetch, [n], { prepare: true }).cursor(2000)) count += rows.length
      return count
    },
    async relations(userIds) {
      const users = await run<{ id: string; name: string }>(SQL.relUsers, [userIds])
      const posts = await run<{ id: string; user_id: string; title: string }>(SQL.relPosts, [userIds])
      return stitch(users, posts)
    },
    async insertOne(r) {
      return (await run<{ id: string }>(SQL.insert, [r.userId, r.kind, r.amount, r.createdAt]))[0]?.id
    },
    async bulkInsert(rows) {
      await sql.begin(async (tx) => {
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows
            .slice(i, i + 1000)
            .map((r) => ({ user_id: r.userId, kind: r.kind, amount: r.amount, created_at: r.createdAt }))
          await tx`INSERT INTO "events" ${tx(chunk, 'user_id', 'kind', 'amount', 'created_at')}`
        }
      })
    },
    async bulkUpdate(pairs) {
      const text = `UPDATE "accounts" SET "balance" = "v"."balance" FROM (VALUES ${valuesPlaceholders(pairs.length, 2, ['::bigint', '::bigint'])}) AS "v" ("id", "balance") WHERE "accounts"."id" = "v"."id"`
      await run(text, pairs.flat())
    },
    async bulkDelete(ids) {
      await run(SQL.delete, [ids])
    },
    async transfer(accountId) {
      await sql.begin(async (tx) => {
        await tx.unsafe(SQL.lock, [accountId], { prepare: true })
        await tx.unsafe(SQL.credit, [accountId], { prepare: true })
      })
    },
    aggregate: (fromUser, toUser) => run(SQL.aggregate, [fromUser, toUser]),
    async filteredCount(status, fromUser, toUser) {
      return Number((await run<{ n: string }>(SQL.count, [status, fromUser, toUser]))[0]?.n)
    },
    close: () => sql.end({ timeout: 5 }),
  }
}
