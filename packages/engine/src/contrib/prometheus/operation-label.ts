/**
 * The `operation` label of query metrics: the statement's leading verb when it is a known SQL
 * verb, else `OTHER`, so hand-written SQL can never add label values without bound.
 */
import { summarizeSql } from '../../db/sql-summary.js'

const KNOWN_OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'WITH',
  'MERGE',
  'COPY',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'SET',
  'SHOW',
  'EXPLAIN',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'VACUUM',
  'ANALYZE',
  'PRAGMA',
  'LOCK',
])

/**
 * The operation label of `sql`.
 *
 * @example
 * ```ts
 * operationLabel('select 1') // 'SELECT'
 * operationLabel('FROBNICATE') // 'OTHER'
 * ```
 */
export function operationLabel(sql: string): string {
  const { operation } = summarizeSql(sql)
  return operation !== null && KNOWN_OPERATIONS.has(operation) ? operation : 'OTHER'
}
