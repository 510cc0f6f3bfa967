/** Creates and seeds the benchmark tables on PostgreSQL (server-side) and in a SQLite file. */
import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import type pg from 'pg'
import { PG_SCHEMA, pgSeedSql, SQLITE_SCHEMA, sqlitePost, sqliteUser } from './schema.js'

/**
 * Drops, creates and fills the PostgreSQL tables, then VACUUM ANALYZE.
 *
 * @example
 * ```ts
 * await seedPostgres(client, 100_000, 500_000)
 * ```
 */
export async function seedPostgres(client: pg.Client, users: number, posts: number): Promise<void> {
  for (const sql of [...PG_SCHEMA, ...pgSeedSql(users, posts)]) await client.query(sql)
}

/**
 * Creates a fresh SQLite file (WAL) with the same tables and rows.
 *
 * @example
 * ```ts
 * seedSqlite('bench/.data/bench.sqlite3', 100_000, 500_000)
 * ```
 */
export function seedSqlite(path: string, users: number, posts: number): void {
  mkdirSync(dirname(path), { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
  const db = new SqliteDatabase(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  for (const sql of SQLITE_SCHEMA) db.exec(sql)
  const insertUser = db.prepare(`INSERT INTO users VALUES (${Array(10).fill('?').join(', ')})`)
  const insertPost = db.prepare(`INSERT INTO posts VALUES (${Array(10).fill('?').join(', ')})`)
  const insertAccount = db.prepare('INSERT INTO accounts VALUES (?, 1000, 0)')
  db.transaction(() => {
    for (let g = 1; g <= users; g++) insertUser.run(sqliteUser(g))
    for (let g = 1; g <= posts; g++) insertPost.run(sqlitePost(g, users))
    for (let g = 1; g <= 10_000; g++) insertAccount.run(g)
  })()
  db.exec('ANALYZE')
  db.close()
}

/**
 * Empties `events` between write workloads so every workload starts from the same table.
 *
 * @example
 * ```ts
 * await resetEvents(client)
 * ```
 */
export async function resetEvents(client: pg.Client): Promise<void> {
  await client.query('TRUNCATE "events" RESTART IDENTITY')
}

/**
 * The SQLite counterpart of {@link resetEvents}.
 *
 * @example
 * ```ts
 * resetSqliteEvents('bench/.data/bench.sqlite3')
 * ```
 */
export function resetSqliteEvents(path: string): void {
  const db = new SqliteDatabase(path)
  db.exec('DELETE FROM "events"')
  db.close()
}
