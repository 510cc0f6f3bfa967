/**
 * A fresh database per scenario run, on either backend, as a URL for the project's DATABASE_URL.
 *
 * @example
 * ```ts
 * const url = await freshMigrateDatabase('postgres', 'concurrent_1')
 * ```
 */
import { rmSync } from 'node:fs'
import { freshPgDatabase, freshSqliteFile } from '../../../support/services.js'
import type { MigrateBackend } from './database-probe.js'

/** The backends the migration scenarios run on. */
export const migrateBackends: readonly MigrateBackend[] = ['postgres', 'sqlite']

/** A new empty database: a PostgreSQL database on the shared server, or a new SQLite file path. */
export async function freshMigrateDatabase(backend: MigrateBackend, name: string): Promise<string> {
  if (backend === 'postgres') return freshPgDatabase(`mig_${name}`)
  const file = freshSqliteFile(`mig_${name}`)
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  return `sqlite:///${file}`
}
