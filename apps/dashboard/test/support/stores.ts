/**
 * A fresh dashboard store per test file and backend: a new PostgreSQL database on the run's server
 * (`dorm_dashboard_<name>`) or a new SQLite file in the run's temp dir, selected the way the app
 * selects it (`DASHBOARD_DATABASE_URL`) and migrated by `ensureDatabase()`.
 *
 * @example
 * ```ts
 * describe.each(dashboardTestBackends())('%s', (backend) => {
 *   beforeAll(() => useFreshStore(backend, 'ingest-auth'))
 *   afterAll(closeDatabase)
 * })
 * ```
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { closeDatabase, ensureDatabase } from '../../lib/db'
import type { DashboardBackend } from './backend-names'

export { type DashboardBackend, dashboardTestBackends } from './backend-names'

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]+/g, '_')
}

/**
 * Creates an empty database for `backend` and `name` and returns its URL (PostgreSQL: dropped and
 * created again on the run's server; SQLite: the file and its -wal/-shm removed).
 *
 * @example
 * ```ts
 * const url = await createStoreDatabase('postgres', 'rollups')
 * ```
 */
export async function createStoreDatabase(backend: DashboardBackend, name: string): Promise<string> {
  if (backend === 'sqlite') {
    const file = join(inject('sqliteDir'), `${slug(name)}.sqlite3`)
    await Promise.all(['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${file}${suffix}`, { force: true })))
    return `sqlite:///${file}`
  }
  const server = inject('pgUrl')
  if (!server) throw new Error('No PostgreSQL server in this run: DORM_TEST_BACKENDS leaves postgres out')
  const database = `dorm_dashboard_${slug(name)}`.slice(0, 63)
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${database}"`)
  } finally {
    await client.end()
  }
  const url = new URL(server)
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * Points the app at a fresh store (closing the previous one) and applies the migrations.
 *
 * @example
 * ```ts
 * beforeAll(() => useFreshStore('sqlite', 'deployments'))
 * ```
 */
export async function useFreshStore(backend: DashboardBackend, name: string): Promise<string> {
  await closeDatabase()
  const url = await createStoreDatabase(backend, `${name}_${backend}`)
  process.env.DASHBOARD_DATABASE_URL = url
  await ensureDatabase()
  return url
}
