/** A fresh PostgreSQL database per scenario on the run's server (`inject('pgUrl')`). */
import pg from 'pg'
import { inject } from 'vitest'

/**
 * Drops and creates `dorm_action_<name>` and returns its URL, with a password-looking user so the
 * tests can check that neither the URL nor the password leaks.
 *
 * @example
 * ```ts
 * const url = await createDatabase('check')
 * ```
 */
export async function createDatabase(name: string): Promise<string> {
  const server = inject('pgUrl')
  const database = `dorm_action_${name}`
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${database}`)
  } finally {
    await client.end()
  }
  const url = new URL(server)
  url.pathname = `/${database}`
  // trust auth ignores the password; it is there to be masked
  url.password = 'S3cret-pw-123'
  return url.toString()
}

/**
 * The migrations recorded as applied in the database at `url` (`[]` when dorm never ran there).
 *
 * @example
 * ```ts
 * expect(await appliedMigrations(url)).toEqual([])
 * ```
 */
export async function appliedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const exists = await client.query("SELECT to_regclass('public.dorm_migrations') AS t")
    if (exists.rows[0]?.t === null) return []
    const rows = await client.query('SELECT app, name FROM dorm_migrations ORDER BY id')
    return rows.rows.map((row: { app: string; name: string }) => `${row.app}.${row.name}`)
  } finally {
    await client.end()
  }
}
