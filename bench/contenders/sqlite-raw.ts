/**
 * Raw SQLite drivers: better-sqlite3 (synchronous, statements prepared once) and @libsql/client on
 * a local file. Both open the file in WAL mode with synchronous=NORMAL, like every SQLite contender.
 */
import { createClient } from '@libsql/client'
import SqliteDatabase from 'better-sqlite3'
import { POST_SELECT, USER_SELECT } from '../suite/schema.js'
import type { Contender, ContenderEnv, EventRow } from './contender.js'

/** The SQLite SQL of the subset of workloads run on SQLite (W1, W4, W5, W7, W8). */
export const SQLITE_SQL = {
  point: `SELECT ${USER_SELECT} FROM "users" WHERE "users"."id" = ?`,
  page: `SELECT ${POST_SELECT} FROM "posts" WHERE "posts"."status" = ? ORDER BY "posts"."created_at" DESC LIMIT 20`,
  fetch: `SELECT ${POST_SELECT} FROM "posts" ORDER BY "posts"."id" ASC LIMIT ?`,
  insert: 'INSERT INTO "events" ("user_id", "kind", "amount", "created_at") VALUES (?, ?, ?, ?) RETURNING "id"',
}

const eventArgs = (r: EventRow) => [r.userId, r.kind, r.amount, r.createdAt.toISOString()]

/**
 * better-sqlite3 with cached prepared statements.
 *
 * @example
 * ```ts
 * const raw = createBetterSqlite(env)
 * ```
 */
export function createBetterSqlite(env: ContenderEnv): Contender {
  const db = new SqliteDatabase(env.sqlitePath)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const point = db.prepare(SQLITE_SQL.point)
  const page = db.prepare(SQLITE_SQL.page)
  const fetch = db.prepare(SQLITE_SQL.fetch)
  const insert = db.prepare(SQLITE_SQL.insert)
  const insertPlain = db.prepare('INSERT INTO "events" ("user_id", "kind", "amount", "created_at") VALUES (?, ?, ?, ?)')
  const insertAll = db.transaction((rows: EventRow[]) => {
    for (const r of rows) insertPlain.run(eventArgs(r))
  })
  return {
    pointRead: async (id) => point.get(id),
    page: async (status) => page.all(status),
    fetchMany: async (n) => fetch.all(n),
    insertOne: async (r) => (insert.get(eventArgs(r)) as { id: number }).id,
    bulkInsert: async (rows) => insertAll(rows),
    close: async () => {
      db.close()
    },
  }
}

/**
 * @libsql/client on a local file (`file:` URL).
 *
 * @example
 * ```ts
 * const raw = createLibsqlRaw(env)
 * ```
 */
export async function createLibsqlRaw(env: ContenderEnv): Promise<Contender> {
  const client = createClient({ url: `file:${env.sqlitePath}` })
  await client.execute('PRAGMA journal_mode = WAL')
  await client.execute('PRAGMA synchronous = NORMAL')
  const run = async (sql: string, args: Array<string | number>) => (await client.execute({ sql, args })).rows
  return {
    pointRead: async (id) => (await run(SQLITE_SQL.point, [id]))[0],
    page: (status) => run(SQLITE_SQL.page, [status]),
    fetchMany: (n) => run(SQLITE_SQL.fetch, [n]),
    insertOne: async (r) => (await run(SQLITE_SQL.insert, eventArgs(r) as Array<string | number>))[0]?.id,
    async bulkInsert(rows) {
      const tx = await client.transaction('write')
      try {
        for (const r of rows) {
          await tx.execute({
            sql: 'INSERT INTO "events" ("user_id", "kind", "amount", "created_at") VALUES (?, ?, ?, ?)',
            args: eventArgs(r) as Array<string | number>,
          })
        }
        await tx.commit()
      } finally {
        tx.close()
      }
    },
    close: async () => client.close(),
  }
}
