import type {
  Backend,
  CompactPoolStats,
  DriverSession,
  PoolStatsReport,
  QueryResult,
  Row,
  SessionLease,
  SyncDriverSession,
  Vendor,
} from '../backends/base/base-connection.js'
import { ProgrammingError } from '../errors.js'
import { currentPin } from './connection-pin.js'
import { runStatement, runStatementNow, streamStatementChunks } from './query-pipeline.js'
import { type RetryContext, retryAfter, withRetry } from './retry.js'

/** Options of {@link DatabaseConnection.executeStreaming}. */
export interface StreamOptions {
  /** Rows fetched per round trip (PostgreSQL cursor) or per batch. Default 1000. */
  chunkSize?: number
}

/**
 * The connection handle of one alias, as returned by `getConnection(alias)`. Statements run
 * through the query pipeline (signals, timing, slow-query warning, DEBUG log, error mapping).
 * Outside `atomic()` each statement checks a session out of the pool and is retried on
 * connection-class errors; inside, it runs on the transaction's session and is never retried.
 *
 * @example
 * ```ts
 * import { getConnection } from '@dorm/engine'
 * const { rows } = await getConnection('default').execute('SELECT $1::int AS n', [42])
 * for await (const row of getConnection().executeStreaming('SELECT * FROM big', [], { chunkSize: 500 })) {}
 * ```
 */
export class DatabaseConnection {
  readonly alias: string
  readonly vendor: Vendor
  readonly #backend: Backend
  readonly #retry: RetryContext

  constructor(backend: Backend) {
    this.alias = backend.alias
    this.vendor = backend.vendor
    this.#backend = backend
    this.#retry = {
      alias: backend.alias,
      vendor: backend.vendor,
      mapError: (err) => backend.mapError(err, {}),
      isTransient: (err) => backend.isTransient(err),
    }
  }

  /** Runs one statement and resolves to `{ rows, rowCount }`. Placeholders are the vendor's own (`$1` on PostgreSQL, `?` on SQLite). */
  execute<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = this.executeEager<R>(sql, params)
    return result instanceof Promise ? result : Promise.resolve(result)
  }

  /**
   * {@link execute}, but on a synchronous driver (better-sqlite3) with the connection free or
   * pinned to this context, the result comes back in the call instead of in a promise: the hot
   * paths of the ORM skip a dozen promise hops per statement that way. Otherwise (PostgreSQL,
   * libsql, a busy connection, a failure to retry) it returns the promise `execute()` would. It
   * never throws: failures come back as a rejected promise.
   *
   * @example
   * ```ts
   * const answer = getConnection().executeEager('SELECT 1 AS one')
   * const { rows } = answer instanceof Promise ? await answer : answer
   * ```
   */
  executeEager<R = Row>(sql: string, params: readonly unknown[] = []): QueryResult<R> | Promise<QueryResult<R>> {
    const backend = this.#backend
    const pin = currentPin(this.alias)
    if (pin !== undefined) {
      const session = pin.lease.session
      if (!isSync(session)) return runStatement(backend, session, sql, params) as Promise<QueryResult<R>>
      // inside a transaction or a pinned block: never retried, as on the asynchronous path
      try {
        return runStatementNow(backend, session, sql, params) as QueryResult<R>
      } catch (err) {
        return Promise.reject(err)
      }
    }
    const lease = backend.leaseNow?.()
    if (lease === undefined) {
      return withRetry(this.#retry, () => this.#executeOnce(sql, params)) as Promise<QueryResult<R>>
    }
    let result: QueryResult
    try {
      result = runStatementNow(backend, lease.session, sql, params)
    } catch (err) {
      lease.release()
      return retryAfter(this.#retry, () => this.#executeOnce(sql, params), err) as Promise<QueryResult<R>>
    }
    lease.release()
    return result as QueryResult<R>
  }

  /** One attempt on a freshly checked-out session, without retry (health checks use it). */
  async executeOnce<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const pin = currentPin(this.alias)
    if (pin !== undefined) {
      return runStatement(this.#backend, pin.lease.session, sql, params) as Promise<QueryResult<R>>
    }
    return this.#executeOnce(sql, params) as Promise<QueryResult<R>>
  }

  async #executeOnce(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const lease = await this.#acquire()
    try {
      const result = await runStatement(this.#backend, lease.session, sql, params)
      lease.release()
      return result
    } catch (err) {
      lease.release()
      throw err
    }
  }

  /**
   * Streams the rows of a query: a server-side cursor on PostgreSQL (memory stays bounded by
   * `chunkSize`), a lazy statement iterator on SQLite. The session is held until the loop ends or
   * breaks. Refused inside `atomic()`: a cursor needs its own transaction, and loading everything
   * silently would defeat the point of streaming. Inside a pinned-connection block (no transaction)
   * the stream checks out a connection of its own: a cursor on the pinned one would hold it for the
   * whole loop, and a statement run inside the loop would wait for it forever.
   */
  executeStreaming(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<Row> {
    return flatten(this.executeStreamingChunks(sql, params, options))
  }

  /**
   * {@link executeStreaming} in the driver's chunks: arrays of up to `chunkSize` rows (one cursor
   * fetch on PostgreSQL). One async step per chunk instead of per row, for loops that process rows
   * in batches (the ORM's `iterator()` does).
   *
   * @example
   * ```ts
   * for await (const rows of getConnection().executeStreamingChunks('SELECT * FROM big', [], { chunkSize: 2000 })) {
   *   await sink.writeMany(rows)
   * }
   * ```
   */
  executeStreamingChunks(
    sql: string,
    params: readonly unknown[] = [],
    options: StreamOptions = {},
  ): AsyncIterable<Row[]> {
    const chunkSize = options.chunkSize ?? 1000
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new ProgrammingError(`executeStreaming() chunkSize must be a positive integer, got ${String(chunkSize)}.`)
    }
    const pin = currentPin(this.alias)
    if (pin !== undefined && pin.depth > 0) {
      throw new ProgrammingError(
        `executeStreaming() cannot be used inside an atomic() block on alias '${this.alias}': a server-side ` +
          'cursor needs its own transaction. Read the keys you need before the block, or stream outside it.',
      )
    }
    return this.#stream(sql, params, chunkSize)
  }

  async *#stream(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]> {
    const lease = await this.acquireLease()
    try {
      yield* streamStatementChunks(this.#backend, lease.session, sql, params, chunkSize)
    } finally {
      lease.release()
    }
  }

  /**
   * Checks a session out for a block that holds it (transactions, pinned connections), retrying
   * connection-class failures of the checkout itself.
   */
  acquireLease(): Promise<SessionLease> {
    return withRetry(this.#retry, () => this.#acquire())
  }

  #acquire(): Promise<SessionLease> {
    return this.#backend.acquire().catch((err: unknown) => {
      throw this.#backend.mapError(err, {})
    })
  }

  /** Runs a statement on a session the caller holds (used by `atomic()` for BEGIN/COMMIT). */
  runOnLease(lease: SessionLease, sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    return runStatement(this.#backend, lease.session, sql, params)
  }

  /** The compact pool view: `{ size, idle, in_use, max_size, waiting }`. */
  poolStats(): CompactPoolStats {
    return this.#backend.compactPoolStats()
  }

  /** The full pool report (see `poolStats(alias)`). */
  fullPoolStats(): PoolStatsReport {
    return this.#backend.poolStats()
  }

  /** Closes the pool or the database handle of this alias. Later calls fail until `getConnection` makes a new one. */
  close(): Promise<void> {
    return this.#backend.close()
  }
}

function isSync(session: DriverSession): session is SyncDriverSession {
  return typeof (session as Partial<SyncDriverSession>).querySync === 'function'
}

/** The rows of a chunked stream, one at a time. */
async function* flatten(chunks: AsyncIterable<Row[]>): AsyncIterable<Row> {
  for await (const chunk of chunks) yield* chunk
}
