/** Kysely's table types for the benchmark schema (column names as in the database). */
import type { Generated } from 'kysely'

export interface BenchDatabase {
  users: {
    id: number
    name: string
    email: string
    age: number
    karma: number
    active: boolean | number
    joined_at: Date | string
    balance: string | number
    settings: unknown
    token: string
  }
  posts: {
    id: number
    user_id: number
    title: string
    status: string
    category: number
    views: number
    published: boolean | number
    created_at: Date | string
    rating: string | number
    meta: unknown
  }
  events: { id: Generated<number>; user_id: number; kind: string; amount: number; created_at: Date | string }
  accounts: { id: number; balance: number; version: number }
}

/** The event columns of an EventRow, for SQLite (dates as ISO text) or PostgreSQL. */
export function eventValues(
  r: { userId: number; kind: string; amount: number; createdAt: Date },
  isoDates: boolean,
): { user_id: number; kind: string; amount: number; created_at: Date | string } {
  return {
    user_id: r.userId,
    kind: r.kind,
    amount: r.amount,
    created_at: isoDates ? r.createdAt.toISOString() : r.createdAt,
  }
}
