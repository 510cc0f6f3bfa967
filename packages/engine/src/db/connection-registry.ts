/**
 * One {@link DatabaseConnection} per alias, created on first use from DATABASES. A `configure()`
 * that changes DATABASES closes every pool so the next `getConnection` uses the new settings.
 */
import type { Backend, PoolStatsReport } from '../backends/base/base-connection.js'
import { createLibsqlBackend } from '../backends/libsql/libsql-backend.js'
import { createPostgresBackend } from '../backends/postgres/postgres-backend.js'
import { createSqliteBackend } from '../backends/sqlite/sqlite-backend.js'
import type { ResolvedDatabaseSettings } from '../conf/database-settings.js'
import { getDatabaseSettings, onSettingsChanged } from '../conf/settings.js'
import { describeError, ImproperlyConfigured } from '../errors.js'
import { DatabaseConnection } from './connection.js'
import { getLogger } from './logging.js'

const dbLogger = getLogger('dorm.db')
const connections = new Map<string, DatabaseConnection>()

function createBackend(alias: string, settings: ResolvedDatabaseSettings): Backend {
  switch (settings.ENGINE) {
    case 'postgresql':
      return createPostgresBackend(alias, settings)
    case 'sqlite':
      return createSqliteBackend(alias, settings)
    case 'libsql':
      return createLibsqlBackend(alias, settings)
    default:
      // resolveDatabaseSettings already rejects unknown engines; this guards hand-built settings
      throw new ImproperlyConfigured(
        `DATABASES['${alias}'].ENGINE '${String(settings.ENGINE)}' is not supported. Use postgresql, sqlite or libsql.`,
      )
  }
}

/**
 * The connection handle of `alias` (default `'default'`), created on first call. Throws
 * `ImproperlyConfigured` for an alias missing from DATABASES.
 *
 * @example
 * ```ts
 * const db = getConnection()
 * await db.execute('SELECT 1')
 * db.poolStats() // { size: 1, idle: 1, in_use: 0, max_size: 10, waiting: 0 }
 * ```
 */
export function getConnection(alias = 'default'): DatabaseConnection {
  const existing = connections.get(alias)
  if (existing !== undefined) return existing
  const connection = new DatabaseConnection(createBackend(alias, getDatabaseSettings(alias)))
  connections.set(alias, connection)
  return connection
}

/** The connection of `alias` if one was created, without creating it. */
export function peekConnection(alias: string): DatabaseConnection | undefined {
  return connections.get(alias)
}

/**
 * Closes every pool and database handle (graceful shutdown, test teardown). The next
 * `getConnection` opens fresh ones.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => closeAll().then(() => process.exit(0)))
 * ```
 */
export async function closeAll(): Promise<void> {
  const open = [...connections.values()]
  connections.clear()
  const results = await Promise.allSettled(open.map((c) => c.close()))
  for (const [i, r] of results.entries()) {
    if (r.status === 'rejected') {
      dbLogger.warning(`closing alias '${open[i]?.alias}' failed: ${describeError(r.reason)}`, {
        alias: open[i]?.alias,
      })
    }
  }
}

/** What `poolStats(alias)` returns before the alias was first used. */
export interface UninitialisedPoolStats {
  alias: string
  status: 'uninitialised'
}

/**
 * The full pool report of `alias`: psycopg-style counters for PostgreSQL, a `has_pool: false`
 * view for SQLite/libsql, `{ alias, status: 'uninitialised' }` before first use. Never throws.
 *
 * @example
 * ```ts
 * const stats = poolStats('default')
 * if ('pool_available' in stats && stats.pool_available === 0 && Number(stats.requests_waiting) > 0) alert()
 * ```
 */
export function poolStats(alias = 'default'): PoolStatsReport | UninitialisedPoolStats {
  const connection = connections.get(alias)
  if (connection === undefined) return { alias, status: 'uninitialised' }
  try {
    return connection.fullPoolStats()
  } catch (err) {
    // documented: never throws; the reason is kept in the report
    return { alias, vendor: connection.vendor, has_pool: false, error: describeError(err) }
  }
}

onSettingsChanged((keys) => {
  if (!keys.includes('DATABASES') || connections.size === 0) return
  void closeAll()
})
