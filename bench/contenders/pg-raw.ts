/**
 * Raw `pg` (node-postgres Pool): the baseline every ratio is taken against. `unnamed` sends each
 * statement with the unnamed prepared statement (parse + bind + execute every time), `named` gives
 * each SQL shape a name so the server parses it once per connection, `unnest` is the W8 ceiling
 * (one INSERT … SELECT FROM unnest(arrays)).
 */
import { createRequire } from 'node:module'
import pg from 'pg'
import { POST_SELECT, USER_SELECT } from '../suite/schema.js'
import type { Contender, ContenderEnv, EventRow, UserWithPosts } from './contender.js'

export type PgRawMode = 'unnamed' | 'named' | 'unnest'

interface CursorLike {
  read(n: number): Promise<unknown[]>
  close(): Promise<void>
}
type CursorClass = new (text: string, values: unknown[]) => CursorLike
const Cursor = createRequire(import.meta.url)('pg-cursor') as CursorClass

/** The SQL text of every workload, shared by the contenders that take SQL strings. */
export const SQL = {
  point: `SELECT ${USER_SELECT} FROM "users" WHERE "users"."id" = $1`,
  page: `SELECT ${POST_SELECT} FROM "posts" WHERE "posts"."status" = $1 ORDER BY "posts"."created_at" DESC LIMIT 20`,
  fetch: `SELECT ${POST_SELECT} FROM "posts" ORDER BY "posts"."id" ASC LIMIT $1`,
  relUsers: `SELECT ${USER_SELECT} FROM "users" WHERE "users"."id" = ANY($1) ORDER BY "users"."id"`,
  relPosts: `SELECT ${POST_SELECT} FROM "posts" WHERE "posts"."user_id" = ANY($1) ORDER BY "posts"."id"`,
  insert: 'INSERT INTO "events" ("user_id", "kind", "amount", "created_at") VALUES ($1, $2, $3, $4) RETURNING "id"',
  unnest:
    'INSERT INTO "events" ("user_id", "kind", "amount", "created_at") SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::timestamptz[])',
  delete: 'DELETE FROM "events" WHERE "events"."id" = ANY($1)',
  lock: 'SELECT "accounts"."balance" FROM "accounts" WHERE "accounts"."id" = $1 FOR UPDATE',
  credit: 'UPDATE "accounts" SET "balance" = "accounts"."balance" + 1 WHERE "accounts"."id" = $1',
  aggregate:
    'SELECT "posts"."category", count(*) AS "n", sum("posts"."views") AS "view_sum" FROM "posts" WHERE "posts"."user_id" BETWEEN $1 AND $2 GROUP BY "posts"."category" ORDER BY "posts"."category"',
  count: 'SELECT count(*) AS "n" FROM "posts" WHERE "posts"."status" = $1 AND "posts"."user_id" BETWEEN $2 AND $3',
}

/** `($1, $2, $3, $4), ($5, …)`: a multi-row VALUES list of `rows` rows of `width` placeholders. */
export function valuesPlaceholders(rows: number, width: number, casts: readonly string[] = []): string {
  const out: string[] = []
  for (let r = 0; r < rows; r++) {
    const cells: string[] = []
    for (let c = 0; c < width; c++) cells.push(`$${r * width + c + 1}${casts[c] ?? ''}`)
    out.push(`(${cells.join(', ')})`)
  }
  return out.join(', ')
}

/** Attaches each post row (ordered by id) to its user row: the W6 shape, every column kept. */
export function stitch(
  users: Array<{ id: unknown; name: unknown }>,
  posts: Array<{ id: unknown; user_id?: unknown; userId?: unknown; title: unknown }>,
): UserWithPosts[] {
  const byUser = new Map<string, UserWithPosts>()
  const out = users.map((u) => {
    const entry: UserWithPosts = Object.assign(u, { posts: [] as UserWithPosts['posts'] })
    byUser.set(String(u.id), entry)
    return entry
  })
  for (const p of posts) byUser.get(String(p.user_id ?? p.userId))?.posts.push(p)
  return out
}

/**
 * A raw `pg` contender in one prepare mode.
 *
 * @example
 * ```ts
 * const raw = createPgRaw({ pgUrl, sqlitePath: '', poolMax: 10 }, 'named')
 * await raw.pointRead?.(1)
 * ```
 */
export function createPgRaw(env: ContenderEnv, mode: PgRawMode): Contender {
  const pool = new pg.Pool({ connectionString: env.pgUrl, max: env.poolMax })
  const named = mode === 'named'
  const query = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[] = []) =>
    named ? pool.query<R>({ name, text, values }) : pool.query<R>(text, values)
  const insertChunk = (client: pg.PoolClient, chunk: EventRow[]) => {
    const values = chunk.flatMap((r) => [r.userId, r.kind, r.amount, r.createdAt])
    const text = `INSERT INTO "events" ("user_id", "kind", "amount", "created_at") VALUES ${valuesPlaceholders(chunk.length, 4)}`
    return named ? client.query({ name: `bulk${chunk.length}`, text, values }) : client.query(text, values)
  }
  const inTransaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    } finally {
      client.release()
    }
  }
  const run = (client: pg.PoolClient, name: string, text: string, values: unknown[]) =>
    named ? client.query({ name, text, values }) : client.query(text, values)

  const contender: Contender = {
    async pointRead(id) {
      return (await query('point', SQL.point, [id])).rows[0]
    },
    async checkout() {
      ;(await pool.connect()).release()
    },
    async checkoutSelect1() {
      const client = await pool.connect()
      try {
        await client.query('SELECT 1')
      } finally {
        client.release()
      }
    },
    async page(status) {
      return (await query('page', SQL.page, [status])).rows
    },
    async fetchMany(n) {
      return (await query('fetch', SQL.fetch, [n])).rows
    },
    async fetchIterate(n) {
      const client = await pool.connect()
      let count = 0
      try {
        const cursor = client.query(new Cursor(SQL.fetch, [n]) as never) as unknown as CursorLike
        for (let rows = await cursor.read(2000); rows.length > 0; rows = await cursor.read(2000)) count += rows.length
        await cursor.close()
      } finally {
        client.release()
      }
      return count
    },
    async relations(userIds) {
      const users = await query<{ id: string; name: string }>('relUsers', SQL.relUsers, [userIds])
      const posts = await query<{ id: string; user_id: string; title: string }>('relPosts', SQL.relPosts, [userIds])
      return stitch(users.rows, posts.rows)
    },
    async insertOne(r) {
      return (await query('insert', SQL.insert, [r.userId, r.kind, r.amount, r.createdAt])).rows[0]?.id
    },
    async bulkInsert(rows) {
      await inTransaction(async (client) => {
        if (mode === 'unnest') {
          await client.query(SQL.unnest, [
            rows.map((r) => r.userId),
            rows.map((r) => r.kind),
            rows.map((r) => r.amount),
            rows.map((r) => r.createdAt),
          ])
          return
        }
        for (let i = 0; i < rows.length; i += 1000) await insertChunk(client, rows.slice(i, i + 1000))
      })
    },
    async bulkUpdate(pairs) {
      const text = `UPDATE "accounts" SET "balance" = "v"."balance" FROM (VALUES ${valuesPlaceholders(pairs.length, 2, ['::bigint', '::bigint'])}) AS "v" ("id", "balance") WHERE "accounts"."id" = "v"."id"`
      await query(`update${pairs.length}`, text, pairs.flat())
    },
    async bulkDelete(ids) {
      await query('delete', SQL.delete, [ids])
    },
    async transfer(accountId) {
      await inTransaction(async (client) => {
        await run(client, 'lock', SQL.lock, [accountId])
        await run(client, 'credit', SQL.credit, [accountId])
      })
    },
    async aggregate(fromUser, toUser) {
      return (await query('aggregate', SQL.aggregate, [fromUser, toUser])).rows
    },
    async filteredCount(status, fromUser, toUser) {
      return Number((await query<{ n: string }>('count', SQL.count, [status, fromUser, toUser])).rows[0]?.n)
    },
    close: () => pool.end(),
  }
  if (mode === 'unnest') return { bulkInsert: contender.bulkInsert, close: contender.close }
  return contender
}
