/** Drizzle tables and relations over the benchmark schema on PostgreSQL. */
import { relations } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'

export const users = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  age: integer('age').notNull(),
  karma: bigint('karma', { mode: 'number' }).notNull(),
  active: boolean('active').notNull(),
  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
  balance: numeric('balance', { precision: 12, scale: 2 }).notNull(),
  settings: jsonb('settings').notNull(),
  token: uuid('token').notNull(),
})

export const posts = pgTable('posts', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).notNull(),
  title: text('title').notNull(),
  status: text('status').notNull(),
  category: integer('category').notNull(),
  views: integer('views').notNull(),
  published: boolean('published').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  rating: numeric('rating', { precision: 5, scale: 2 }).notNull(),
  meta: jsonb('meta').notNull(),
})

export const events = pgTable('events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  amount: integer('amount').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
})

export const accounts = pgTable('accounts', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  balance: bigint('balance', { mode: 'number' }).notNull(),
  version: integer('version').notNull(),
})

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }))
export const postsRelations = relations(posts, ({ one }) => ({
  user: one(users, { fields: [posts.userId], references: [users.id] }),
}))
