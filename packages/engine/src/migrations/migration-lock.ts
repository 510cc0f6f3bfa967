/**
 * The PostgreSQL migrate lock: concurrent `dorm migrate` runs serialise on an advisory lock held on
 * one connection for the whole run. Every migration statement runs on that same connection (it is
 * pinned to the async context), so a pool of any size works. The wait is bounded by
 * MIGRATION_LOCK_TIMEOUT; on timeout the error names the session that holds the lock.
 */
import { performance } from 'node:perf_hooks'
import type { DatabaseConnection } from '../db/connection.js'
import { type ConnectionPin, runWithPin } from '../db/connection-pin.js'
import { getLogger } from '../db/logging.js'
import { MigrationError } from '../errors.js'

/** The advisory lock key: 0x646F726D, "dorm". */
export const MIGRATION_LOCK_KEY = 1685025389

const migrationsLogger = getLogger('dorm.migrations')

/** Raised when the lock could not be taken within MIGRATION_LOCK_TIMEOUT (exit code 3). */
export class MigrationLockTimeout extends MigrationError {
  readonly holder: Record<string, unknown> | undefined

  constructor(message: string, holder: Record<string, unknown> | undefined) {
    super(message)
    Object.defineProperty(this, 'code', { value: 'MIGRATION_LOCK_TIMEOUT' })
    this.holder = holder
  }
}

async function holderOf(connection: DatabaseConnection): Promise<Record<string, unknown> | undefined> {
  const { rows } = await connection.execute(
    'SELECT a.pid, a.application_name, a.state, a.backend_start, a.xact_start, a.query_start, a.client_addr::text AS client_addr ' +
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted " +
      'AND l.classid = 0 AND l.objid = $1 LIMIT 1',
    [MIGRATION_LOCK_KEY],
  )
  return rows[0]
}

/**
 * Runs `fn` holding the migrate lock (PostgreSQL), with every statement of `connection`'s alias
 * inside on the lock's connection. Other vendors run `fn` directly (SQLite serialises writers).
 *
 * @example
 * ```ts
 * await withMigrationLock(getConnection(), 60_000, () => executor.migrate())
 * ```
 */
export async function withMigrationLock<T>(
  connection: DatabaseConnection,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (connection.vendor !== 'postgresql') return fn()
  const lease = await connection.acquireLease()
  const pin: ConnectionPin = { alias: connection.alias, lease, depth: 0, savepoints: 0, onCommit: [] }
  let broken = false
  try {
    return await runWithPin(pin, async () => {
      const start = performance.now()
      let announced = false
      for (;;) {
        const { rows } = await connection.execute('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY])
        if (rows[0]?.locked === true) break
        if (!announced) {
          announced = true
          migrationsLogger.info(
            `waiting for the migrate lock on alias '${connection.alias}' (another dorm migrate is running)`,
          )
        }
        if (performance.now() - start >= timeoutMs) {
          const holder = await holderOf(connection)
          const who = holder
            ? `pid ${String(holder.pid)} (application_name '${String(holder.application_name ?? '')}', state ${String(holder.state)}, ` +
              `connected since ${new Date(String(holder.backend_start)).toISOString()}` +
              `${holder.xact_start ? `, in a transaction since ${new Date(String(holder.xact_start)).toISOString()}` : ''})`
            : 'a session that has since let go'
          throw new MigrationLockTimeout(
            `Timed out after ${Math.round(timeoutMs)} ms waiting for the migrate lock on alias '${connection.alias}': it is held by ${who}. ` +
              'Wait for that migrate to finish, or raise MIGRATION_LOCK_TIMEOUT (seconds); if the holder is stuck, end it with pg_terminate_backend(pid).',
            holder,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      try {
        return await fn()
      } finally {
        await connection.execute('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
          // the session is gone, and the lock with it
          broken = true
        })
      }
    })
  } finally {
    pin.released = true
    lease.release(broken)
  }
}
