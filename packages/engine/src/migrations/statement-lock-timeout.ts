/**
 * The `lock_timeout` dorm sets for migration statements on PostgreSQL. A DDL statement queues for
 * its table lock behind any open transaction that touched the table, and every query that comes
 * after it queues behind the DDL: one forgotten `BEGIN` in a psql session freezes the table for the
 * whole app. With a lock_timeout the migration gives up after a bounded wait instead, and says so.
 */
import type { DatabaseConnection } from '../db/connection.js'
import { type ConnectionPin, currentPin, runWithPin } from '../db/connection-pin.js'
import { DatabaseError, MigrationError } from '../errors.js'

/** PostgreSQL's SQLSTATE for lock_not_available (a lock_timeout expired, or NOWAIT failed). */
export const LOCK_NOT_AVAILABLE = '55P03'

/** What {@link MigrationLockNotAvailable} knows about the statement that gave up. */
export interface LockNotAvailableDetails {
  /** `app.name` of the migration. */
  readonly migration: string
  /** The statement that waited too long, when known. */
  readonly sql: string | undefined
  /** The table it waited for, when the statement names one. */
  readonly table: string | undefined
  /** The lock_timeout in force (ms). */
  readonly timeoutMs: number | undefined
  /** Whether the migration was atomic (then nothing of it stayed applied). */
  readonly atomic: boolean
}

/**
 * A migration statement waited longer than the lock_timeout for a table lock (SQLSTATE 55P03).
 * `code` is `LOCK_NOT_AVAILABLE`; `dorm migrate` exits 3 on it.
 *
 * @example
 * ```ts
 * try {
 *   await executor.run(plan, { lockTimeoutMs: 2000 })
 * } catch (err) {
 *   if (err instanceof MigrationLockNotAvailable) console.error(err.migration, err.table)
 * }
 * ```
 */
export class MigrationLockNotAvailable extends MigrationError {
  readonly migration: string
  readonly sql: string | undefined
  readonly table: string | undefined

  constructor(details: LockNotAvailableDetails, cause: unknown) {
    const statement = details.sql === undefined ? 'a statement' : `the statement \`${oneLine(details.sql)}\``
    const waited = details.timeoutMs === undefined ? '' : ` more than ${details.timeoutMs} ms`
    const on = details.table === undefined ? 'a table this statement needs' : details.table
    const state = details.atomic
      ? `Nothing of ${details.migration} was applied or recorded.`
      : `${details.migration} is atomic: false, so its operations before this one stay applied; it is not recorded.`
    super(
      `Migration ${details.migration} stopped: ${statement} waited${waited} for a lock (lock_timeout): ` +
        `another transaction holds a lock on ${on}; retry when it ends or raise --lock-timeout ` +
        `(setting MIGRATION_TABLE_LOCK_TIMEOUT_MS). ${state}`,
      { cause },
    )
    Object.defineProperty(this, 'code', { value: 'LOCK_NOT_AVAILABLE' })
    this.migration = details.migration
    this.sql = details.sql
    this.table = details.table
  }
}

/**
 * The database error with SQLSTATE 55P03 in `err` or its causes, if any.
 *
 * @example
 * ```ts
 * const locked = lockNotAvailableError(err)
 * if (locked !== undefined) console.log(locked.sql)
 * ```
 */
export function lockNotAvailableError(err: unknown): DatabaseError | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof DatabaseError && current.vendorCode === LOCK_NOT_AVAILABLE) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const TABLE_OF_STATEMENT = [
  /^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/i,
  /^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?:(?:"[^"]+"|[\w$]+)\s+)?on\s+(?:only\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/i,
  /^\s*(?:drop|truncate)\s+table\s+(?:if\s+exists\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/i,
  /^\s*lock\s+(?:table\s+)?(?:only\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/i,
  /^\s*(?:update|delete\s+from|insert\s+into)\s+(?:only\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/i,
]

/**
 * The table a statement locks, as written without quotes (`ALTER TABLE "shop_order" ...` ->
 * `shop_order`), or undefined when the statement names none this recognises.
 *
 * @example
 * ```ts
 * lockedTable('ALTER TABLE "shop_order" ADD COLUMN "note" text') // 'shop_order'
 * ```
 */
export function lockedTable(sql: string | undefined): string | undefined {
  if (sql === undefined) return undefined
  for (const pattern of TABLE_OF_STATEMENT) {
    const match = pattern.exec(sql)
    if (match !== null) return (match[1] as string).replace(/"/g, '').replace(/\s+/g, '')
  }
  return undefined
}

/**
 * The statement that sets the lock_timeout: `SET LOCAL` inside a transaction (it ends with it),
 * a session-level `SET` otherwise (undone with `RESET lock_timeout`).
 *
 * @example
 * ```ts
 * lockTimeoutStatement(2000, true) // "SET LOCAL lock_timeout = '2000ms'"
 * ```
 */
export function lockTimeoutStatement(timeoutMs: number, local: boolean): string {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new MigrationError(`A lock_timeout must be a whole number of milliseconds > 0, got ${String(timeoutMs)}.`)
  }
  return `SET ${local ? 'LOCAL ' : ''}lock_timeout = '${timeoutMs}ms'`
}

/**
 * Runs `fn` with one session of `connection` pinned to the async context (the current pin when
 * there is one), so a session-level `SET` and the statements after it run on the same session.
 *
 * @example
 * ```ts
 * await withSessionPin(connection, async () => {
 *   await connection.execute("SET lock_timeout = '2000ms'")
 *   try { await work() } finally { await connection.execute('RESET lock_timeout') }
 * })
 * ```
 */
export async function withSessionPin<T>(connection: DatabaseConnection, fn: () => Promise<T>): Promise<T> {
  if (currentPin(connection.alias) !== undefined) return fn()
  const lease = await connection.acquireLease()
  const pin: ConnectionPin = { alias: connection.alias, lease, depth: 0, savepoints: 0, onCommit: [] }
  try {
    return await runWithPin(pin, fn)
  } finally {
    pin.released = true
    lease.release(false)
  }
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat
}
