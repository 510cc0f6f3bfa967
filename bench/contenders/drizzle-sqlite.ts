/** Drizzle ORM on better-sqlite3, same tables as on PostgreSQL (dates as ISO text). */
import SqliteDatabase from 'better-sqlite3'
import { asc, desc, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { Contender, ContenderEnv } from './contender.js'

const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  age: integer('age').notNull(),
  karma: integer('karma').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  joinedAt: text('joined_at').notNull(),
  balance: real('balance').notNull(),
  settings: text('settings', { mode: 'json' }).notNull(),
  token: text('token').notNull(),
})
const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  userId: integer('user_id').notNull(),
  title: text('title').notNull(),
  status: text('status').notNull(),
  category: integer('category').notNull(),
  views: integer('views').notNull(),
  published: integer('published', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  rating: real('rating').notNull(),
  meta: text('meta', { mode: 'json' }).notNull(),
})
const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull(),
  kind: text('kind').notNull(),
  amount: integer('amount').notNull(),
  createdAt: text('created_at').notNull(),
})

/**
 * The Drizzle contender on SQLite.
 *
 * @example
 * ```ts
 * const contender = createDrizzleSqlite(env)
 * ```
 */
export function createDrizzleSqlite(env: ContenderEnv): Contender {
  const sqlite = new SqliteDatabase(env.sqlitePath)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  const db = drizzle({ client: sqlite })
  const event = (r: { userId: number; kind: string; amount: number; createdAt: Date }) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
  })
  return {
    pointRead: async (id) => db.select().from(users).where(eq(users.id, id)).get(),
    page: async (status) =>
      db.select().from(posts).where(eq(posts.status, status)).orderBy(desc(posts.createdAt)).limit(20).all(),
    fetchMany: async (n) => db.select().from(posts).orderBy(asc(posts.id)).limit(n).all(),
    insertOne: async (r) => db.insert(events).values(event(r)).returning({ id: events.id }).get()?.id,
    async bulkInsert(rows) {
      db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += 1000)
          tx.insert(events)
            .values(rows.slice(i, i + 1000).map(event))
            .run()
      })
    },
    close: async () => {
      sqlite.close()
    },
  }
}
