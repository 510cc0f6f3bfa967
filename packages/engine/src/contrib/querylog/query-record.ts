/**
 * One statement a QueryLog saw: its SQL and raw params, the vendor and alias it ran on, how long it
 * took and the error it raised (null on success).
 *
 * @example
 * ```ts
 * const record = new QueryRecord({ sql: 'SELECT 1', vendor: 'postgresql', elapsed_ms: 1.23456 })
 * record.toDict() // { sql: 'SELECT 1', params: [], vendor: 'postgresql', alias: 'default', elapsed_ms: 1.235, error: null }
 * ```
 */
import type { Vendor } from '../../backends/base/base-connection.js'
import { describeError } from '../../errors.js'
import { roundMs } from './percentiles.js'
import { queryTemplate } from './query-template.js'

/** What a {@link QueryRecord} is built from; `params`, `alias` and `error` may be left out. */
export interface QueryRecordInit {
  sql: string
  params?: readonly unknown[]
  vendor: Vendor
  alias?: string
  elapsed_ms: number
  error?: Error | null
  rowCount?: number | null
}

/** The JSON-friendly form of a record ({@link QueryRecord.toDict}). */
export interface QueryRecordDict {
  sql: string
  params: unknown[]
  vendor: Vendor
  alias: string
  elapsed_ms: number
  /** `"<ErrorClass>: <message>"`, or null when the statement succeeded. */
  error: string | null
}

/** The export row of a record ({@link QueryRecord.toExportDict}), as written by `dumpJsonl`. */
export interface QueryRecordExport {
  sql: string
  template: string
  elapsed_ms: number
  alias: string
  vendor: Vendor
  error: string | null
  params?: unknown[]
}

/** One statement seen by a QueryLog. See the module doc. */
export class QueryRecord {
  readonly sql: string
  readonly params: readonly unknown[]
  readonly vendor: Vendor
  readonly alias: string
  readonly elapsed_ms: number
  readonly error: Error | null
  // private so equality checks on records see only the six documented fields
  readonly #rowCount: number | null

  constructor(init: QueryRecordInit) {
    this.sql = init.sql
    this.params = init.params ?? []
    this.vendor = init.vendor
    this.alias = init.alias ?? 'default'
    this.elapsed_ms = init.elapsed_ms
    this.error = init.error ?? null
    this.#rowCount = init.rowCount ?? null
  }

  /** The statement's template (placeholders as `?`, IN-lists collapsed). */
  get template(): string {
    return queryTemplate(this.sql)
  }

  /** Rows returned or changed; null when the statement failed or the count is unknown. */
  get rowCount(): number | null {
    return this.#rowCount
  }

  /**
   * `{ sql, params, vendor, alias, elapsed_ms (3 decimals), error: "Cls: msg" | null }`.
   *
   * @example
   * ```ts
   * JSON.stringify(log.records.map((r) => r.toDict()))
   * ```
   */
  toDict(): QueryRecordDict {
    return {
      sql: this.sql,
      params: [...this.params],
      vendor: this.vendor,
      alias: this.alias,
      elapsed_ms: roundMs(this.elapsed_ms),
      error: this.error === null ? null : describeError(this.error),
    }
  }

  /**
   * The row `dumpJson` / `dumpJsonl` write: `{ sql, template, elapsed_ms, alias, vendor, error }`,
   * plus `params` only when asked (params may hold personal data).
   *
   * @example
   * ```ts
   * record.toExportDict({ includeParams: true }).params
   * ```
   */
  toExportDict(options: { includeParams?: boolean } = {}): QueryRecordExport {
    const row: QueryRecordExport = {
      sql: this.sql,
      template: this.template,
      elapsed_ms: roundMs(this.elapsed_ms),
      alias: this.alias,
      vendor: this.vendor,
      error: this.error === null ? null : describeError(this.error),
    }
    if (options.includeParams === true) row.params = [...this.params]
    return row
  }
}
