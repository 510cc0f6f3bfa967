/**
 * The contract every backend implements. A backend owns the driver and its connections for one
 * alias; the shared query path (`db/connection.ts`) adds signals, timing, logging, error mapping
 * and retries on top, so backends stay small and alike.
 */
import type { DormError } from '../../errors.js'

/** The database vendors dorm speaks to. */
export type Vendor = 'postgresql' | 'sqlite' | 'libsql'

/** A row as returned by raw `execute`: column name to value. */
export type Row = Record<string, unknown>

/**
 * What `execute` resolves to.
 *
 * @example
 * ```ts
 * const { rows, rowCount } = await getConnection().execute('SELECT 1 AS one')
 * rows[0].one // 1
 * ```
 */
export interface QueryResult<R = Row> {
  rows: R[]
  /** Rows returned for reads; rows changed for writes. */
  rowCount: number
  /** Rowid of the last inserted row (SQLite and libsql only). */
  lastInsertRowid?: number | bigint
}

/** One checked-out driver connection. Methods run the statement raw, without the query pipeline. */
export interface DriverSession {
  /**
   * Runs one statement. `deadlineMs`: give up when no answer came within this long (a budget's
   * client-side deadline); a session that honours it drops the connection it gave up on.
   */
  query(sql: string, params: readonly unknown[], deadlineMs?: number): Promise<QueryResult>
  /**
   * Yields the rows in arrays of at most `chunkSize` (one cursor fetch on PostgreSQL), without
   * holding the whole result in memory. Chunks, not rows: one async step per chunk.
   */
  streamChunks(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]>
}

/**
 * A session whose driver answers synchronously (better-sqlite3): the statement runs in the call,
 * so the query pipeline can skip the promise hops of {@link DriverSession.query}.
 *
 * @example
 * ```ts
 * const { rows } = session.querySync('SELECT 1 AS one', [])
 * ```
 */
export interface SyncDriverSession extends DriverSession {
  querySync(sql: string, params: readonly unknown[]): QueryResult
}

/** A checkout of a {@link SyncDriverSession}, taken without waiting (see {@link Backend.leaseNow}). */
export interface SyncSessionLease extends SessionLease {
  readonly session: SyncDriverSession
}

/** A checkout: the session plus the way to give it back. */
export interface SessionLease {
  readonly session: DriverSession
  /** Returns the session. `broken` drops it instead of reusing it (after a connection error). */
  release(broken?: boolean): void
}

/** The pool view of `getConnection(alias).poolStats()`. */
export interface CompactPoolStats {
  size: number
  idle: number
  in_use: number
  max_size: number
  waiting: number
}

/** The full pool report of `poolStats(alias)` (snake_case: it leaves the process as JSON). */
export interface PoolStatsReport {
  alias: string
  vendor: Vendor
  has_pool: boolean
  [key: string]: unknown
}

/** A backend: the driver-level connection (or pool) of one alias. */
export interface Backend {
  readonly alias: string
  readonly vendor: Vendor
  /** Checks out a session, waiting for one when all are in use. */
  acquire(): Promise<SessionLease>
  /**
   * Backends with a synchronous driver: the session at once when it is open and nobody holds it,
   * else undefined (then {@link acquire} waits, opens or fails as usual).
   */
  leaseNow?(): SyncSessionLease | undefined
  /** Turns a driver error into the matching dorm error class. */
  mapError(err: unknown, context: { sql?: string; params?: readonly unknown[] }): DormError
  /** Whether a (mapped) error is a connection-class failure worth retrying outside a transaction. */
  isTransient(err: DormError): boolean
  poolStats(): PoolStatsReport
  compactPoolStats(): CompactPoolStats
  close(): Promise<void>
}
