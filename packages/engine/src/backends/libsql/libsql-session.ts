/**
 * The DriverSession over one @libsql/client Client.
 *
 * Transactions need care: the client borrows a connection for each `execute()` and rolls back any
 * transaction still open when it gets it back, so a plain `execute('BEGIN')` is undone at once and
 * the statements after it autocommit. This session therefore turns the statement that starts a
 * transaction (`BEGIN ...`, or a `SAVEPOINT` outside one) into `client.transaction()`, runs
 * everything up to the end of that transaction on the transaction object, and lets it go once
 * SQLite says the transaction is over (COMMIT, ROLLBACK, RELEASE of the outermost savepoint, or an
 * error that rolled it back).
 */
import { Buffer } from 'node:buffer'
import type { Client, InValue, ResultSet, Transaction, TransactionMode } from '@libsql/client'
import type { QueryResult, Row } from '../base/base-connection.js'
import { toSqliteParams } from '../sqlite/sqlite-params.js'
import type { LocalSession, SessionReset } from '../sqlite/sqlite-session.js'

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/
const BEGIN = /^BEGIN(?:\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?(\s+READONLY)?\s*;?\s*$/i
const SAVEPOINT = /^SAVEPOINT\s+(.+?)\s*;?\s*$/i
const RELEASE = /^RELEASE(?:\s+SAVEPOINT)?\s+(.+?)\s*;?\s*$/i

function statementHead(sql: string): string {
  return sql.replace(LEADING_COMMENTS, '')
}

/** Savepoint names compare like SQLite identifiers: unquoted and case-insensitive. */
function identifier(raw: string): string {
  const quoted = /^(?:"(.*)"|`(.*)`|\[(.*)\]|'(.*)')$/s.exec(raw)
  const name = quoted === null ? raw : (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? raw)
  return name.toLowerCase()
}

function transactionMode(match: RegExpExecArray): TransactionMode {
  if (match[2] !== undefined) return 'read'
  // the client has no EXCLUSIVE: IMMEDIATE takes the same write lock, and in WAL mode they are equal
  const kind = match[1]?.toUpperCase()
  return kind === 'IMMEDIATE' || kind === 'EXCLUSIVE' ? 'write' : 'deferred'
}

function toRowid(value: bigint | undefined): number | bigint | undefined {
  if (value === undefined) return undefined
  // better-sqlite3 answers with a number; match it whenever the value fits
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value
}

function toResult(rs: ResultSet): QueryResult {
  const { columns } = rs
  if (columns.length === 0) {
    const result: QueryResult = { rows: [], rowCount: rs.rowsAffected }
    const rowid = toRowid(rs.lastInsertRowid)
    if (rowid !== undefined) result.lastInsertRowid = rowid
    return result
  }
  // plain objects like better-sqlite3's: the client's rows also carry numeric keys and a length
  const guarded = columns.includes('__proto__')
  const rows: Row[] = new Array(rs.rows.length)
  for (let r = 0; r < rs.rows.length; r++) {
    const source = rs.rows[r] as ArrayLike<unknown>
    const row: Row = {}
    for (let c = 0; c < columns.length; c++) {
      let value = source[c]
      // blobs come back as ArrayBuffer; Buffer (a view, not a copy) is what better-sqlite3 gives
      if (value instanceof ArrayBuffer) value = Buffer.from(value)
      const column = columns[c] as string
      if (guarded && column === '__proto__')
        Object.defineProperty(row, column, { value, enumerable: true, writable: true })
      else row[column] = value
    }
    rows[r] = row
  }
  return { rows, rowCount: rows.length }
}

/**
 * Runs statements on one libsql client (a local file, an embedded replica, or a remote database).
 *
 * @example
 * ```ts
 * const session = new LibsqlSession(createClient({ url: 'file:local.db' }))
 * await session.query('BEGIN', [])
 * await session.query('INSERT INTO t (name) VALUES (?)', ['a'])
 * await session.query('COMMIT', [])
 * ```
 */
export class LibsqlSession implements LocalSession {
  readonly #client: Client
  #tx: Transaction | undefined
  // the savepoint that opened the transaction: releasing it commits, as in SQLite
  #openingSavepoint: string | undefined

  constructor(client: Client) {
    this.#client = client
  }

  /** The driver client, for setup and tests. */
  get client(): Client {
    return this.#client
  }

  get inTransaction(): boolean {
    return this.#tx !== undefined && !this.#tx.closed
  }

  /** No transaction object left to settle (streams here are whole results: none stays open). */
  get clean(): boolean {
    return this.#tx === undefined
  }

  /**
   * Runs one statement. Reads report `rowCount` = rows returned, writes the rows changed plus
   * `lastInsertRowid`. Params bind positionally to `?`.
   */
  async query(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const args = toSqliteParams(params) as InValue[]
    if (this.#tx !== undefined) return this.#runInTransaction(this.#tx, sql, args)
    const head = statementHead(sql)
    const begin = BEGIN.exec(head)
    if (begin !== null) {
      this.#tx = await this.#client.transaction(transactionMode(begin))
      return { rows: [], rowCount: 0 }
    }
    const savepoint = SAVEPOINT.exec(head)
    if (savepoint !== null) return this.#openWithSavepoint(identifier(savepoint[1] as string), sql, args)
    return toResult(await this.#client.execute({ sql, args }))
  }

  /**
   * Yields the rows of a query. @libsql/client has no cursor: a statement's result arrives whole,
   * and paging arbitrary SQL (LIMIT/OFFSET) would be neither correct nor cheap, so this runs the
   * statement once and yields its rows in arrays of `chunkSize`; `chunkSize` does not bound memory
   * here. Unlike the sqlite session it cannot refuse a statement that returns no rows before running
   * it: such a stream runs the statement and yields nothing.
   */
  async *streamChunks(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]> {
    const { rows } = await this.query(sql, params)
    const size = Math.max(1, Math.floor(chunkSize))
    for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size)
  }

  reset(): SessionReset {
    const rolledBack = this.inTransaction
    // close() rolls back whatever is still open and gives the connection back to the client
    this.#settle()
    return { endedStreams: 0, rolledBack }
  }

  close(): void {
    this.#settle()
    if (!this.#client.closed) this.#client.close()
  }

  async #openWithSavepoint(name: string, sql: string, args: InValue[]): Promise<QueryResult> {
    // SQLite: a SAVEPOINT outside a transaction starts one, which RELEASE of that savepoint commits
    const tx = await this.#client.transaction('deferred')
    this.#tx = tx
    this.#openingSavepoint = name
    try {
      return await this.#runInTransaction(tx, sql, args)
    } catch (err) {
      if (this.#tx === tx) this.#settle()
      throw err
    }
  }

  async #runInTransaction(tx: Transaction, sql: string, args: InValue[]): Promise<QueryResult> {
    try {
      const result = toResult(await tx.execute({ sql, args }))
      if (this.#openingSavepoint !== undefined && !tx.closed) {
        const release = RELEASE.exec(statementHead(sql))
        if (release !== null && identifier(release[1] as string) === this.#openingSavepoint) await tx.commit()
      }
      return result
    } finally {
      // SQLite ended the transaction (COMMIT, ROLLBACK, or an error that rolled it back)
      if (tx.closed) this.#settle()
    }
  }

  #settle(): void {
    const tx = this.#tx
    this.#tx = undefined
    this.#openingSavepoint = undefined
    tx?.close()
  }
}
