/**
 * Row counts of every dashboard table, read straight from the dashboard's store (SQL on the SQLite
 * file, or on the PostgreSQL database): what the hostile-input scenarios compare before and after
 * to prove nothing was stored.
 *
 * @example
 * ```ts
 * const before = await countRows(dashboard.store)
 * // ... hostile requests ...
 * expect(changedTables(before, await countRows(dashboard.store))).toEqual({})
 * ```
 */
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'

/** Where a dashboard keeps its data. */
export type DashboardStore = { kind: 'sqlite'; file: string } | { kind: 'postgresql'; url: string }

/** Rows per table (`dashboard_*`). */
export type RowCounts = Record<string, number>

/**
 * The store a dashboard started with these variables uses (the rule of its lib/db-settings.ts).
 *
 * @example
 * ```ts
 * storeOf({ DASHBOARD_DATA_DIR: '/tmp/x', DASHBOARD_DATABASE_URL: '' }) // { kind: 'sqlite', file: '/tmp/x/dashboard.sqlite3' }
 * ```
 */
export function storeOf(env: { DASHBOARD_DATA_DIR: string; DASHBOARD_DATABASE_URL: string }): DashboardStore {
  if (env.DASHBOARD_DATABASE_URL) return { kind: 'postgresql', url: env.DASHBOARD_DATABASE_URL }
  return { kind: 'sqlite', file: join(resolve(env.DASHBOARD_DATA_DIR), 'dashboard.sqlite3') }
}

/**
 * Counts the rows of every `dashboard_*` table.
 *
 * @example
 * ```ts
 * (await countRows(store)).dashboard_deployment // 0
 * ```
 */
export async function countRows(store: DashboardStore): Promise<RowCounts> {
  const counts: RowCounts = {}
  if (store.kind === 'sqlite') {
    const db = new Database(store.file, { readonly: true, fileMustExist: true })
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'dashboard\\_%' ESCAPE '\\'")
        .pluck()
        .all() as string[]
      for (const table of tables) {
        counts[table] = Number(db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get())
      }
    } finally {
      db.close()
    }
    return counts
  }
  const client = new pg.Client({ connectionString: store.url })
  await client.connect()
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'dashboard\\_%'",
    )
    for (const { table_name: table } of rows) {
      const result = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`)
      counts[table] = Number(result.rows[0]?.n)
    }
  } finally {
    await client.end()
  }
  return counts
}

/**
 * The tables whose row count differs, with `before → after`.
 *
 * @example
 * ```ts
 * changedTables({ a: 1 }, { a: 3 }) // { a: '1 → 3' }
 * ```
 */
export function changedTables(before: RowCounts, after: RowCounts): Record<string, string> {
  const changed: Record<string, string> = {}
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] !== after[table]) changed[table] = `${before[table] ?? '-'} → ${after[table] ?? '-'}`
  }
  return changed
}
