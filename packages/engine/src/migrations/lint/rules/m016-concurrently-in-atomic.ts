/**
 * DORM-M016: CREATE / DROP INDEX CONCURRENTLY (and REINDEX CONCURRENTLY) cannot run inside a
 * transaction block. An atomic migration runs in one, so the migration fails when it reaches the
 * statement, on every database, every time.
 */
import type { AddIndex, RemoveIndex } from '../../operations/index-operations.js'
import type { LintRule, SqlStatement } from '../lint-rule.js'
import { inTransaction, onPostgres, unwrap } from './sql-helpers.js'

const help =
  'Set atomic: false on the migration (migration({ atomic: false, operations: [...] })) and keep the concurrent ' +
  'operation alone in it, or with operations that are safe to re-run: without a transaction a failure halfway ' +
  'leaves the earlier operations applied. In RunSQL, give each concurrent statement its own SQL string.'

function concurrentStatement(statement: SqlStatement): string | undefined {
  const index = unwrap(statement.node, 'IndexStmt')
  if (index?.concurrent === true) return 'CREATE INDEX CONCURRENTLY'
  const drop = unwrap(statement.node, 'DropStmt')
  if (drop?.concurrent === true) return 'DROP INDEX CONCURRENTLY'
  const reindex = unwrap(statement.node, 'ReindexStmt')
  const params = Array.isArray(reindex?.params) ? reindex.params : []
  if (params.some((p) => unwrap(p, 'DefElem')?.defname === 'concurrently')) return 'REINDEX CONCURRENTLY'
  return undefined
}

/**
 * AddIndex / RemoveIndex with `concurrently: true` in an atomic migration, or raw CONCURRENTLY
 * statements that run inside a transaction.
 *
 * @example
 * ```ts
 * await runRule(concurrentlyInAtomic, { history, operations: [new AddIndex({ modelName: 'author', index, concurrently: true })] })
 * ```
 */
export const concurrentlyInAtomic: LintRule = {
  code: 'DORM-M016',
  name: 'concurrently-in-atomic',
  severity: 'error',
  summary: 'CONCURRENTLY inside an atomic migration: PostgreSQL refuses it inside a transaction',
  checkOperation(ctx) {
    const kind = ctx.operation.kind
    if ((kind !== 'AddIndex' && kind !== 'RemoveIndex') || !onPostgres(ctx) || !ctx.migration.atomic) return []
    const op = ctx.operation as AddIndex | RemoveIndex
    if (!op.concurrently) return []
    const name = op.kind === 'AddIndex' ? op.index.name : op.name
    const what = kind === 'AddIndex' ? 'CREATE INDEX CONCURRENTLY' : 'DROP INDEX CONCURRENTLY'
    return [
      {
        message:
          `${kind} '${name}' runs ${what} inside the transaction of an atomic migration: PostgreSQL refuses it ` +
          '("cannot run inside a transaction block") and the migration fails.',
        help,
      },
    ]
  },
  checkStatement(ctx, statement) {
    const what = concurrentStatement(statement)
    if (what === undefined || !inTransaction(ctx, statement)) return []
    const where = ctx.migration.atomic
      ? 'inside the transaction of an atomic migration'
      : 'in a SQL string with other statements (one implicit transaction)'
    return [
      {
        message: `${what} runs ${where}: PostgreSQL refuses it ("cannot run inside a transaction block") and the migration fails.`,
        help,
      },
    ]
  },
}
