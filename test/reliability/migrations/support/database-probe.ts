/**
 * Reads what a migrate run left in a database, straight through the driver (pg / better-sqlite3),
 * independent of the engine under test: the recorder rows, which tables exist, the marker rows
 * written by data migrations, and (PostgreSQL) who holds the migrate advisory lock.
 *
 * @example
 * ```ts
 * const probe = databaseProbe('postgres', url)
 * expect(await probe.recorded()).toEqual(['rel.0001_initial'])
 * await probe.close()
 * ```
 */
import Database from 'better-sqlite3'
import pg from 'pg'

/** The advisory lock key dorm migrate takes on PostgreSQL (0x646F726D, "dorm"). */
export const MIGRATE_LOCK_KEY = 0x646f726d

/** Which database a scenario runs on. */
export type MigrateBackend = 'postgres' | 'sqlite'

/** What a probe can read. */
export interface DatabaseProbe {
  /** `app.name` of every recorder row, in id order, duplicates kept. */
  recorded(): Promise<string[]>
  /** Names of the `rel_*` tables. */
  tables(): Promise<string[]>
  /** Notes of the marker rows, in id order, duplicates kept (empty when the table does not exist). */
  markers(): Promise<string[]>
  /** Columns of a table (empty when it does not exist). */
  columns(table: string): Promise<string[]>
  /** Rows in a table (null when it does not exist). */
  count(table: string): Promise<number | null>
  /** PostgreSQL: pids of the sessions holding the migrate lock; SQLite: always empty. */
  lockHolders(): Promise<number[]>
  /** PostgreSQL: pids of sessions running a statement that contains `text`. */
  runningStatements(text: string): Promise<number[]>
  close(): Promise<void>
}

async function pgProbe(url: string): Promise<DatabaseProbe> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const rows = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows
  const exists = async (table: string) => (await rows('SELECT to_regclass($1) IS NOT NULL AS found', [table]))[0].found
  return {
    async recorded() {
      if (!(await exists('dorm_migrations'))) return []
      return (await rows('SELECT app, name FROM dorm_migrations ORDER BY id')).map((r) => `${r.app}.${r.name}`)
    },
    async tables() {
      const found = await rows(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'rel\\_%'",
      )
      return found.map((r) => String(r.tablename)).sort()
    },
    async markers() {
      if (!(await exists('rel_marker'))) return []
      return (await rows('SELECT note FROM rel_marker ORDER BY id')).map((r) => String(r.note))
    },
    async columns(table) {
      const found = await rows(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        [table],
      )
      return found.map((r) => String(r.column_name))
    },
    async count(table) {
      if (!(await exists(table))) return null
      return Number((await rows(`SELECT count(*) AS n FROM "${table}"`))[0].n)
    },
    async lockHolders() {
      const found = await rows(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1",
        [MIGRATE_LOCK_KEY],
      )
      return found.map((r) => Number(r.pid))
    },
    async runningStatements(text) {
      const found = await rows(
        "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, $1) > 0",
        [text],
      )
      return found.map((r) => Number(r.pid))
    },
    close: () => client.end(),
  }
}

function sqliteProbe(file: string): DatabaseProbe {
  // each read opens the file anew: a hot journal left by a killed writer is rolled back on open
  const read = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file, { timeout: 30_000 })
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }
  const exists = (db: Database.Database, table: string) =>
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { n: number }
  return {
    recorded: async () =>
      read((db) =>
        exists(db, 'dorm_migrations').n === 0
          ? []
          : (
              db.prepare('SELECT app, name FROM dorm_migrations ORDER BY id').all() as { app: string; name: string }[]
            ).map((r) => `${r.app}.${r.name}`),
      ),
    tables: async () =>
      read((db) =>
        (
          db
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rel\\_%' ESCAPE '\\'")
            .all() as {
            name: string
          }[]
        )
          .map((r) => r.name)
          .sort(),
      ),
    markers: async () =>
      read((db) =>
        exists(db, 'rel_marker').n === 0
          ? []
          : (db.prepare('SELECT note FROM rel_marker ORDER BY id').all() as { note: string }[]).map((r) => r.note),
      ),
    columns: async (table) =>
      read((db) => (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((r) => r.name)),
    count: async (table) =>
      read((db) =>
        exists(db, table).n === 0
          ? null
          : (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n,
      ),
    lockHolders: async () => [],
    runningStatements: async () => [],
    close: async () => {},
  }
}

/** A probe on `url` (PostgreSQL URL) or on the SQLite file `url` names (`sqlite:////abs/path`). */
export async function databaseProbe(backend: MigrateBackend, url: string): Promise<DatabaseProbe> {
  return backend === 'postgres' ? pgProbe(url) : sqliteProbe(url.replace(/^sqlite:\/\/\//, ''))
}
