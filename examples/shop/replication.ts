/**
 * SQLite mode's replica: `replica.sqlite3` beside the primary, refreshed from it every
 * `SHOP_REPLICATION_INTERVAL_MS` (default 1000), so reads routed to the replica really are up to
 * one interval behind, as on a streaming replica, and the sticky read-after-write window
 * (READ_AFTER_WRITE_WINDOW) really matters.
 *
 * A refresh runs on the replica alias' own connection: the primary file is attached read-side,
 * the schema is recreated when it changed (a migration ran on the primary), and every table is
 * copied in one transaction, so a reader of the replica sees one consistent snapshot or the
 * previous one.
 *
 * @example
 * ```ts
 * const replication = startSqliteReplication({ primaryFile: '/data/primary.sqlite3', intervalMs: 1000 })
 * replication.status() // { last_refresh_at: '...', lag_ms: 412, refreshes: 9, failures: 0 }
 * await replication.stop()
 * ```
 */
import { atomic, describeError, getConnection, getLogger } from '@dorm/engine'
import { REPLICA } from './settings.js'

const logger = getLogger('shop.replication')
const SOURCE = 'shop_primary'

/** What `/healthz` shows of the replication. */
export interface ReplicationStatus {
  last_refresh_at: string | null
  /** Milliseconds since the last successful refresh: how stale replica reads can be. */
  lag_ms: number | null
  refreshes: number
  failures: number
  last_error: string | null
}

/** A running replication task. */
export interface SqliteReplication {
  /** Refreshes now (also what the timer calls). */
  refresh(): Promise<void>
  status(): ReplicationStatus
  /** Stops the timer and waits for a refresh under way. */
  stop(): Promise<void>
}

interface SchemaRow {
  type: string
  name: string
  sql: string | null
}

async function schemaOf(schema: 'main' | typeof SOURCE): Promise<SchemaRow[]> {
  const { rows } = await getConnection(REPLICA).execute(
    `SELECT type, name, sql FROM ${schema}.sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY type DESC, name`,
  )
  return rows as unknown as SchemaRow[]
}

async function copyOnce(primaryFile: string): Promise<void> {
  const connection = getConnection(REPLICA)
  const { rows } = await connection.execute('PRAGMA database_list')
  if (!rows.some((row) => row.name === SOURCE))
    await connection.execute(`ATTACH DATABASE ? AS ${SOURCE}`, [primaryFile])
  // a copy, not a writer: integrity is the primary's job (and the tables come in name order, not
  // parents first); set on every refresh, since a dropped connection reopens with the default
  await connection.execute('PRAGMA foreign_keys = OFF')
  try {
    await atomic(
      async () => {
        const [mine, theirs] = await Promise.all([schemaOf('main'), schemaOf(SOURCE)])
        if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
          for (const row of mine.filter((r) => r.type === 'table')) {
            await connection.execute(`DROP TABLE main."${row.name}"`)
          }
          // tables first (ORDER BY type DESC), then their indexes; unqualified DDL lands in main
          for (const row of theirs) await connection.execute(row.sql as string)
        }
        for (const row of theirs.filter((r) => r.type === 'table')) {
          await connection.execute(`DELETE FROM main."${row.name}"`)
          await connection.execute(`INSERT INTO main."${row.name}" SELECT * FROM ${SOURCE}."${row.name}"`)
        }
      },
      { using: REPLICA },
    )
  } finally {
    // detached between refreshes: a replica read must never resolve a table in the primary's file
    // (a failed refresh may have dropped the connection, and the attachment with it)
    await connection.execute(`DETACH DATABASE ${SOURCE}`).catch(() => undefined)
  }
}

/**
 * Starts refreshing the replica from `primaryFile` every `intervalMs` (an unref'd timer).
 *
 * @example
 * ```ts
 * const replication = startSqliteReplication({ primaryFile, intervalMs: 1000 })
 * await replication.refresh() // the first copy before serving
 * ```
 */
export function startSqliteReplication({
  primaryFile,
  intervalMs,
}: {
  primaryFile: string
  intervalMs: number
}): SqliteReplication {
  let running: Promise<void> | undefined
  let lastRefresh: number | null = null
  let refreshes = 0
  let failures = 0
  let lastError: string | null = null
  let stopped = false

  const refresh = (): Promise<void> => {
    if (running !== undefined) return running
    running = copyOnce(primaryFile)
      .then(() => {
        lastRefresh = Date.now()
        refreshes += 1
        lastError = null
      })
      .catch((err: unknown) => {
        failures += 1
        lastError = describeError(err)
        logger.warning(`replica refresh failed: ${lastError}`, { failures })
      })
      .finally(() => {
        running = undefined
      })
    return running
  }
  const timer = setInterval(() => {
    if (!stopped) void refresh()
  }, intervalMs)
  timer.unref()

  return {
    refresh,
    status: () => ({
      last_refresh_at: lastRefresh === null ? null : new Date(lastRefresh).toISOString(),
      lag_ms: lastRefresh === null ? null : Date.now() - lastRefresh,
      refreshes,
      failures,
      last_error: lastError,
    }),
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
