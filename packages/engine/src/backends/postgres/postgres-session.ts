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
 * connection-class failure marks the connection broken so the pool drops it at release.
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

  async query(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const name = this.#conn.prepared.nameFor(sql)
    let result: pg.QueryResult | pg.QueryResult[]
    try {
      result =
        name === undefined
          ? await this.#conn.client.query(sql, params as unknown[])
          : await this.#conn.client.query({ name, text: sql, values: params as unknown[] })
    } catch (err) {
      this.#noteFailure(err)
      throw err
    }
    // a simple-protocol string with several statements answers with one result per statement
    const last = Array.isArray(result) ? result[result.length - 1] : result
    if (last === undefined) return { rows: [], rowCount: 0 }
    return { rows: last.rows as Row[], rowCount: last.rowCount ?? last.rows.length }
  }

  async *stream(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row> {
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
        yield* rows
      }
    } finally {
      // a consumer that breaks out early must not leave the portal open on a reused connection
      await cursor.close().catch((err: unknown) => this.#noteFailure(err))
    }
  }

  #noteFailure(err: unknown): void {
    if (isBrokenConnectionError(mapPostgresError(err, {}))) this.#conn.broken = true
  }
}
