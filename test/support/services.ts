/**
 * The services the global setup started, for test files: the shared PostgreSQL server and a temp
 * dir for SQLite/libsql files. Each test makes its own database or file (`freshPgDatabase`,
 * `freshSqliteFile`) so files never see each other's data.
 *
 * @example
 * ```ts
 * const url = await freshPgDatabase('fuzz')
 * ```
 */
import { join } from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'

/** URL of the shared PostgreSQL server's `postgres` database. */
export function pgUrl(): string {
  return inject('pgUrl')
}

/** A new empty database on the shared server (dropped first when it exists); returns its URL. */
export async function freshPgDatabase(name: string): Promise<string> {
  const database = `rel_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`
  const admin = new pg.Client({ connectionString: pgUrl() })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin.query(`CREATE DATABASE "${database}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(pgUrl())
  url.pathname = `/${database}`
  return url.toString()
}

/** Path of a SQLite/libsql file in the run's temp dir (not created). */
export function freshSqliteFile(name: string): string {
  return join(inject('sqliteDir'), `${name.replace(/[^a-z0-9_.-]/gi, '_')}.sqlite3`)
}
