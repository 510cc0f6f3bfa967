/**
 * The DriverSession over one better-sqlite3 Database. better-sqlite3 is synchronous: each call
 * blocks the event loop for the statement's duration, which for a local file is usually shorter
 * than a promise round trip would be.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { DriverSession, QueryResult, Row, SyncDriverSession } from '../base/base-connection.js'
import { toSqliteParams } from './sqlite-params.js'

/**
 * Prepared statements kept per connection when the caller does not say.
 *
 * @example
 * ```ts
 * new SqliteSession(db, { statementCacheSize: DEFAULT_STATEMENT_CACHE_SIZE * 2 })
 * ```
 */
export const DEFAULT_STATEMENT_CACHE_SIZE = 200

/**
 * What a session had to clean up when its lease came back.
 *
 * @example
 * ```ts
 * const { rolledBack } = session.reset() // true if the holder left a transaction open
 * ```
 */
export interface SessionReset {
  /** Streams still iterating, now ended. */
  endedStreams: number
  /** Whether an open transaction was rolled back. */
  rolledBack: boolean
}

/**
 * A session of the single-connection backends (sqlite and libsql).
 *
 * @example
 * ```ts
 * if (session.inTransaction) session.reset()
 * session.close()
 * ```
 */
export interface LocalSession extends DriverSession {
  /** Whether the connection is inside a transaction. */
  readonly inTransaction: boolean
  /** No stream open and no transaction: {@link reset} would have nothing to do. */
  readonly clean: boolean
  /** Ends open streams and rolls back an open transaction, so the next holder starts clean. Throws if it cannot. */
  reset(): SessionReset
  /** Closes the connection. Idempotent. */
  close(): void
}

/**
 * Statements with more parameters than this are prepared for each call and not cached: they are
 * the multi-row INSERTs of bulk writes, one SQL text per row count, each holding about 90 bytes of
 * compiled program per parameter. Cached, 200 of them (every batch size an app happens to send)
 * would keep tens of MB for good; preparing one again costs little next to writing its rows.
 */
export const MAX_CACHED_STATEMENT_PARAMS = 100

/** Parameter lists up to this long are passed to better-sqlite3 as spread arguments. */
const MAX_SPREAD_PARAMS = 256

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Runs statements on one better-sqlite3 connection, with a bounded LRU of prepared statements
 * (preparing is most of the cost of a small query).
 *
 * @example
 * ```ts
 * const session = new SqliteSession(new Database('db.sqlite3'))
 * await session.query('INSERT INTO t (name) VALUES (?)', ['a']) // { rows: [], rowCount: 1, lastInsertRowid: 1 }
 * for await (const row of session.stream('SELECT * FROM t', [], 500)) console.log(row)
 * ```
 */
export class SqliteSession implements LocalSession, SyncDriverSession {
  readonly #db: BetterSqlite3.Database
  readonly #cacheSize: number
  // Map keeps insertion order: the first key is the least recently used
  readonly #statements = new Map<string, BetterSqlite3.Statement>()
  // open iterators, each with the reason it was cut short (if it was)
  readonly #openStreams = new Map<IterableIterator<unknown>, { endedBy: string | undefined }>()

  constructor(db: BetterSqlite3.Database, options: { statementCacheSize?: number } = {}) {
    this.#db = db
    this.#cacheSize = Math.max(0, options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE)
  }

  /** The driver connection, for setup and tests. */
  get db(): BetterSqlite3.Database {
    return this.#db
  }

  /** Prepared statements currently cached. */
  get cachedStatements(): number {
    return this.#statements.size
  }

  get inTransaction(): boolean {
    return this.#db.open && this.#db.inTransaction
  }

  get clean(): boolean {
    return this.#openStreams.size === 0 && !this.inTransaction
  }

  /**
   * Runs one statement: `all()` for statements that return rows (including `RETURNING`), `run()`
   * for the rest. Params bind positionally to `?`.
   */
  async query(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    return this.querySync(sql, params)
  }

  /** {@link query}, answered in the call (better-sqlite3 is synchronous). */
  querySync(sql: string, params: readonly unknown[]): QueryResult {
    const stmt = this.#prepare(sql, params.length <= MAX_CACHED_STATEMENT_PARAMS)
    const args = toSqliteParams(params)
    // better-sqlite3 binds spread arguments faster than one array (0.2 µs against 0.7 µs per call);
    // very long lists (bulk inserts) stay an array, clear of the engine's argument limits
    const spread = args.length <= MAX_SPREAD_PARAMS
    if (stmt.reader) {
      const rows = (spread ? stmt.all(...args) : stmt.all(args)) as Row[]
      return { rows, rowCount: rows.length }
    }
    const info = spread ? stmt.run(...args) : stmt.run(args)
    // SQLite's last_insert_rowid is per connection: after an UPDATE it still names the last INSERT
    return { rows: [], rowCount: info.changes, lastInsertRowid: info.lastInsertRowid }
  }

  /**
   * Yields arrays of up to `chunkSize` rows stepped from SQLite's cursor, so memory stays flat
   * whatever the result size, and lets the event loop run between chunks. While a stream is open
   * SQLite refuses writes on this connection: finish the loop (or `break`) before writing.
   */
  async *streamChunks(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]> {
    // a fresh statement: a cached one could be wanted by a query while this one is still iterating
    const stmt = this.#db.prepare(sql)
    if (!stmt.reader) {
      throw new TypeError('This statement does not return data, so it cannot be streamed. Use execute() for it.')
    }
    const iterator = stmt.iterate(toSqliteParams(params)) as IterableIterator<Row>
    const state: { endedBy: string | undefined } = { endedBy: undefined }
    this.#openStreams.set(iterator, state)
    const size = Number.isFinite(chunkSize) && chunkSize >= 1 ? Math.floor(chunkSize) : 1
    try {
      for (let first = true; ; first = false) {
        // iterating is synchronous; without a pause a long stream would starve timers and I/O
        if (!first) await yieldToEventLoop()
        const chunk: Row[] = []
        let done = false
        while (chunk.length < size) {
          const next = iterator.next()
          if (next.done === true) {
            done = true
            break
          }
          chunk.push(next.value)
        }
        // a cut-short stream must not look like a complete result
        if (done && state.endedBy !== undefined) throw new TypeError(state.endedBy)
        if (chunk.length > 0) yield chunk
        if (done) return
      }
    } finally {
      this.#openStreams.delete(iterator)
      iterator.return?.()
    }
  }

  reset(): SessionReset {
    const endedStreams = this.#endStreams(
      'This stream was ended because its connection was released before it finished',
    )
    let rolledBack = false
    if (this.inTransaction) {
      this.#db.exec('ROLLBACK')
      rolledBack = true
    }
    return { endedStreams, rolledBack }
  }

  close(): void {
    if (!this.#db.open) return
    // better-sqlite3 refuses to close while an iterator is open
    this.#endStreams('The database connection is not open: it was closed while this stream was reading')
    this.#statements.clear()
    this.#db.close()
  }

  #endStreams(reason: string): number {
    const count = this.#openStreams.size
    for (const [iterator, state] of this.#openStreams) {
      state.endedBy = reason
      iterator.return?.()
    }
    this.#openStreams.clear()
    return count
  }

  #prepare(sql: string, cacheable: boolean): BetterSqlite3.Statement {
    const cached = this.#statements.get(sql)
    if (cached !== undefined && !cached.busy) {
      this.#statements.delete(sql)
      this.#statements.set(sql, cached)
      return cached
    }
    const stmt = this.#db.prepare(sql)
    if (cacheable && this.#cacheSize > 0 && cached === undefined) {
      if (this.#statements.size >= this.#cacheSize) {
        const oldest = this.#statements.keys().next()
        if (oldest.done !== true) this.#statements.delete(oldest.value)
      }
      this.#statements.set(sql, stmt)
    }
    return stmt
  }
}
