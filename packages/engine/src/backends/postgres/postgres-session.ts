import type pg from 'pg'
import type { DriverSession, QueryResult, Row } from '../base/base-connection.js'
import { isBrokenConnectionError, mapPostgresError } from './postgres-errors.js'
import type { PooledConnection } from './postgres-pool.js'

/** Loads pg-cursor only when a stream is first asked for. */
type CursorClass = typeof import('pg-cursor')
let cursorModule: Promise<CursorClass> | undefined

/**
 * Runs statements on one pooled `pg.Client`. Repeated SQL shapes become named prepared statements
 * once PREPARE_THRESHOLD is reached (node-postgres then parses them once per connection); a
 * connection-class failure marks the connection broken so the pool drops it at release, and no
 * further statement is sent on it. A statement given a deadline (a budget's) that gets no answer in
 * time fails with "Query read timeout" and breaks the connection the same way.
 *
 * @example
 * ```ts
 * const { rows } = await new PostgresSession(conn).query('SELECT $1::int AS n', [1])
 * ```
 */
export class PostgresSession implements DriverSession {
  readonly #conn: PooledConnection<pg.Client>

  constructor(conn: PooledConnection<pg.Client>) {
    this.#conn = conn
  }

  async query(sql: string, params: readonly unknown[], deadlineMs?: number): Promise<QueryResult> {
    if (this.#conn.broken) {
      // a statement queued behind one that never answered would wait as long again (a ROLLBACK
      // after a missed deadline): fail at once; the pipeline maps this to an InterfaceError with
      // the statement, and the pool drops the connection at release
      throw new Error('the connection failed earlier and is not queryable')
    }
    const name = this.#conn.prepared.nameFor(sql)
    let result: pg.QueryResult | pg.QueryResult[]
    try {
      if (deadlineMs !== undefined) {
        // pg's per-query read timeout: rejects with "Query read timeout" when no answer came in time
        const config: pg.QueryConfig & { query_timeout: number } = {
          text: sql,
          values: params as unknown[],
          query_timeout: Math.min(deadlineMs, this.#ownQueryTimeout() ?? deadlineMs),
        }
        if (name !== undefined) config.name = name
        result = await this.#conn.client.query(config)
      } else {
        result =
          name === undefined
            ? await this.#conn.client.query(sql, params as unknown[])
            : await this.#conn.client.query({ name, text: sql, values: params as unknown[] })
      }
    } catch (err) {
      this.#noteFailure(err)
      throw err
    }
    // a simple-protocol string with several statements answers with one result per statement
    const last = Array.isArray(result) ? result[result.length - 1] : result
    if (last === undefined) return { rows: [], rowCount: 0 }
    return { rows: last.rows as Row[], rowCount: last.rowCount ?? last.rows.length }
  }

  async *streamChunks(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]> {
    cursorModule ??= import('pg-cursor').then((m) => (m as unknown as { default: CursorClass }).default)
    const Cursor = await cursorModule
    const cursor = this.#conn.client.query(new Cursor<Row>(sql, params as unknown[]))
    try {
      for (;;) {
        let rows: Row[]
        try {
          rows = await cursor.read(chunkSize)
        } catch (err) {
          this.#noteFailure(err)
          throw err
        }
        if (rows.length === 0) return
        yield rows
      }
    } finally {
      // a consumer that breaks out early must not leave the portal open on a reused connection
      await cursor.close().catch((err: unknown) => this.#noteFailure(err))
    }
  }

  /** The connection's own OPTIONS.query_timeout, which a per-query timeout would otherwise replace. */
  #ownQueryTimeout(): number | undefined {
    const parameters = (this.#conn.client as unknown as { connectionParameters?: { query_timeout?: unknown } })
      .connectionParameters
    const own = parameters?.query_timeout
    return typeof own === 'number' && own > 0 ? own : undefined
  }

  #noteFailure(err: unknown): void {
    if (isBrokenConnectionError(mapPostgresError(err, {}))) this.#conn.broken = true
  }
}
