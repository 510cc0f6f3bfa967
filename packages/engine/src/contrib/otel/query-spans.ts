/**
 * One OpenTelemetry CLIENT span per statement, opened when the statement starts and ended when it
 * finishes, as a child of whatever span is active in the caller's context (the request span of a
 * traced HTTP server), and one `db.client.operation.duration` observation per statement.
 */
import {
  type Attributes,
  context,
  type Histogram,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api'
import type { Vendor } from '../../backends/base/base-connection.js'
import type { QueryEnd, QueryObserver, QueryStart } from '../../db/query-observers.js'
import { type SqlSummary, summarizeSql } from '../../db/sql-summary.js'

/**
 * The `db.system` value of a vendor. libsql is a fork of SQLite speaking its SQL and has no value
 * of its own in the semantic conventions, so it reports `sqlite` (and `db.dorm.vendor: libsql`).
 *
 * @example
 * ```ts
 * dbSystemOf('libsql') // 'sqlite'
 * ```
 */
export function dbSystemOf(vendor: Vendor): 'postgresql' | 'sqlite' {
  return vendor === 'postgresql' ? 'postgresql' : 'sqlite'
}

/**
 * The span name of a statement: `"<OPERATION> <table>"` (`SELECT library_book`), or `db.<vendor>`
 * when the SQL names no table (`BEGIN`, `SELECT 1`).
 *
 * @example
 * ```ts
 * spanNameOf(summarizeSql('DELETE FROM "t"'), 'sqlite') // 'DELETE t'
 * ```
 */
export function spanNameOf(summary: SqlSummary, vendor: Vendor): string {
  return summary.operation !== null && summary.table !== null ? `${summary.operation} ${summary.table}` : `db.${vendor}`
}

/** What {@link querySpanObserver} needs. */
export interface QuerySpanOptions {
  tracer: Tracer
  operationDuration: Histogram
  statementMaxLength: number
}

interface SpanState {
  span: Span
  summary: SqlSummary
}

function startAttributes(query: QueryStart, summary: SqlSummary, statementMaxLength: number): Attributes {
  const { sql, vendor, alias } = query
  const attributes: Attributes = {
    'db.system': dbSystemOf(vendor),
    'db.dorm.vendor': vendor,
    'db.dorm.alias': alias,
    'db.statement': sql.length > statementMaxLength ? sql.slice(0, statementMaxLength) : sql,
  }
  if (summary.operation !== null) attributes['db.operation'] = summary.operation
  if (summary.table !== null) {
    attributes['db.sql.table'] = summary.table
    attributes['db.collection.name'] = summary.table
  }
  return attributes
}

function recordDuration(histogram: Histogram, query: QueryEnd, summary: SqlSummary): void {
  const attributes: Attributes = { 'db.system': dbSystemOf(query.vendor), 'db.dorm.alias': query.alias }
  if (summary.operation !== null) attributes['db.operation.name'] = summary.operation
  if (summary.table !== null) attributes['db.collection.name'] = summary.table
  if (query.error !== null) attributes['error.type'] = query.error.name
  histogram.record(query.elapsed_ms / 1000, attributes)
}

/**
 * The query observer that traces statements.
 *
 * @example
 * ```ts
 * const remove = addQueryObserver(querySpanObserver({ tracer, operationDuration, statementMaxLength: 1024 }))
 * ```
 */
export function querySpanObserver(options: QuerySpanOptions): QueryObserver<SpanState> {
  const { tracer, operationDuration, statementMaxLength } = options
  return {
    start(query) {
      const summary = summarizeSql(query.sql)
      const span = tracer.startSpan(
        spanNameOf(summary, query.vendor),
        { kind: SpanKind.CLIENT, attributes: startAttributes(query, summary, statementMaxLength) },
        context.active(),
      )
      return { span, summary }
    },
    end(state, query) {
      const { span, summary } = state
      recordDuration(operationDuration, query, summary)
      if (span.isRecording()) {
        span.setAttribute('db.dorm.elapsed_ms', query.elapsed_ms)
        if (query.rowCount !== null) span.setAttribute('db.dorm.rows', query.rowCount)
        const { error } = query
        if (error !== null) {
          span.recordException(error)
          span.setAttribute('db.dorm.error', `${error.name}: ${error.message}`)
          span.setAttribute('error.type', error.name)
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
        }
      }
      span.end()
    },
  }
}
