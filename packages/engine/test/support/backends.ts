/**
 * Which backends this run tests and where each one's database lives.
 *
 * - `postgres`: the shared server's `postgres` database (`inject('pgUrl')`). Test files run in
 *   parallel against it, so use table names of your own; a test that needs a whole database to itself
 *   gets one (`dorm_test_<name>`) from `createTestDatabase`.
 * - `sqlite` / `libsql`: one file per `name` under the run's temp dir (`inject('sqliteDir')`).
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest'
 * import { databaseUrlFor, testBackends } from '../support/backends.js'
 *
 * describe.each(testBackends())('%s', (backend) => {
 *   it('runs a query', async () => {
 *     configure({ DATABASES: { default: databaseUrlFor(backend, 'queries') } })
 *     // ...
 *   })
 * })
 * ```
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { inject } from 'vitest'
import { parseTestBackends, type TestBackend } from './backend-names.js'

export { ALL_TEST_BACKENDS, parseTestBackends, type TestBackend } from './backend-names.js'

/** The backends named in `DORM_TEST_BACKENDS` (default `postgres,sqlite,libsql`), in that order. */
export function testBackends(): TestBackend[] {
  return parseTestBackends(process.env.DORM_TEST_BACKENDS)
}

/** The URL of the shared PostgreSQL server's `postgres` database; throws when postgres is not tested. */
export function pgUrl(): string {
  const url = inject('pgUrl')
  if (!url) throw new Error('No PostgreSQL server in this run: DORM_TEST_BACKENDS does not include postgres')
  return url
}

/** A safe identifier / file stem from a test-chosen name. */
function slug(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
  if (!cleaned) throw new Error(`database name '${name}' has no usable characters`)
  return cleaned
}

/** The PostgreSQL database name used for `name`: `dorm_test_<slug>`, at most 63 bytes. */
export function pgDatabaseName(name: string): string {
  return `dorm_test_${slug(name)}`.slice(0, 63)
}

/** Absolute path of the SQLite / libsql file for `name`. */
export function databaseFileFor(backend: 'sqlite' | 'libsql', name: string): string {
  return join(inject('sqliteDir'), `${slug(name)}.${backend === 'sqlite' ? 'sqlite3' : 'libsql.db'}`)
}

/**
 * The database URL for `backend` and a per-test-file `name`:
 * - postgres: the shared server's URL as provided (`postgres://postgres@127.0.0.1:<port>/postgres`);
 *   `name` is not used, tables are shared with parallel files;
 * - sqlite: `sqlite:////<sqliteDir>/<name>.sqlite3`;
 * - libsql: `libsql:////<sqliteDir>/<name>.libsql.db` (an absolute path after the scheme's `///`).
 */
export function databaseUrlFor(backend: TestBackend, name: string): string {
  if (backend === 'postgres') return pgUrl()
  return `${backend}:///${databaseFileFor(backend, name)}`
}

/** Settings-dict form of `databaseUrlFor` (`DATABASES.<alias>`), for tests that avoid URL parsing. */
export interface TestDatabaseSettings {
  ENGINE: 'postgresql' | 'sqlite' | 'libsql'
  NAME: string
  HOST?: string
  PORT?: number
  USER?: string
  PASSWORD?: string
}

/** The same database as `databaseUrlFor`, as settings keys. */
export function databaseSettingsFor(backend: TestBackend, name: string): TestDatabaseSettings {
  if (backend !== 'postgres') return { ENGINE: backend, NAME: databaseFileFor(backend, name) }
  return pgSettings(pgUrl())
}

function pgSettings(urlString: string): TestDatabaseSettings {
  const url = new URL(urlString)
  const settings: TestDatabaseSettings = {
    ENGINE: 'postgresql',
    NAME: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    HOST: url.hostname,
    PORT: Number(url.port || 5432),
    USER: decodeURIComponent(url.username || 'postgres'),
  }
  if (url.password) settings.PASSWORD = decodeURIComponent(url.password)
  return settings
}

/**
 * Makes an empty database of its own for `backend`/`name` and returns its URL. PostgreSQL: drops and
 * recreates `dorm_test_<name>` on the shared server (the URL differs from `databaseUrlFor`'s);
 * SQLite/libsql: deletes the file of `databaseUrlFor(backend, name)` and its -wal/-shm/-journal.
 */
export async function createTestDatabase(backend: TestBackend, name: string): Promise<string> {
  if (backend !== 'postgres') {
    const file = databaseFileFor(backend, name)
    await Promise.all(['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${file}${suffix}`, { force: true })))
    return databaseUrlFor(backend, name)
  }
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: pgUrl() })
  const database = pgDatabaseName(name)
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${database}"`)
  } finally {
    await client.end()
  }
  const url = new URL(pgUrl())
  url.pathname = `/${database}`
  return url.toString()
}
