/**
 * DORM-M021: DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: it waits
 * for every running query on the table, and every query after it waits in turn.
 */
import type { RemoveIndex } from '../../operations/index-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import {
  droppedObjects,
  earlierSql,
  existedBefore,
  identifierPattern,
  onPostgres,
  statementsBefore,
  tableOf,
  unwrap,
} from './sql-helpers.js'

const help =
  'Drop it with RemoveIndex({ modelName, name, concurrently: true }) in a migration with atomic: false (in SQL: ' +
  'DROP INDEX CONCURRENTLY, alone in its SQL string): it waits for running queries without blocking new ones.'

/** Whether this migration created index `name` before the current operation (then it is new and unused). */
function createdEarlier(ctx: OperationContext, name: string): boolean {
  const byOperation = ctx.migration.operations
    .slice(0, ctx.index)
    .some((op) => op.kind === 'AddIndex' && (op as unknown as { index: { name: string } }).index.name === name)
  const pattern = new RegExp(
    `create\\s+(?:unique\\s+)?index\\s+(?:concurrently\\s+)?(?:if\\s+not\\s+exists\\s+)?${identifierPattern(name)}`,
    'i',
  )
  return byOperation || earlierSql(ctx).some((sql) => pattern.test(sql))
}

/**
 * RemoveIndex without `concurrently`, or raw `DROP INDEX` without CONCURRENTLY, of an index that existed before.
 *
 * @example
 * ```ts
 * await runRule(dropIndexNotConcurrently, { history, operations: [new RemoveIndex({ modelName: 'author', name: 'author_score_idx' })] })
 * ```
 */
export const dropIndexNotConcurrently: LintRule = {
  code: 'DORM-M021',
  name: 'drop-index-not-concurrently',
  severity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY: ACCESS EXCLUSIVE on the table',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'RemoveIndex' || !onPostgres(ctx)) return []
    const op = ctx.operation as RemoveIndex
    if (op.concurrently || !existedBefore(ctx, op.modelName) || createdEarlier(ctx, op.name)) return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName) ?? op.modelName
    return [
      {
        message:
          `RemoveIndex '${op.name}' runs DROP INDEX without CONCURRENTLY: ACCESS EXCLUSIVE on '${table}' (waits ` +
          'for running queries, and blocks every read and write queued behind it).',
        help,
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const drop = unwrap(statement.node, 'DropStmt')
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent === true) return []
    const createdHere = new Set(
      statementsBefore(statement, all)
        .map((s) => unwrap(s.node, 'IndexStmt')?.idxname)
        .filter((n): n is string => typeof n === 'string'),
    )
    return droppedObjects(drop)
      .filter((name) => !createdHere.has(name) && !createdEarlier(ctx, name))
      .map(
        (name): RuleHit => ({
          message:
            `DROP INDEX ${name} without CONCURRENTLY: ACCESS EXCLUSIVE on its table (waits for running queries, ` +
            'and blocks every read and write queued behind it).',
          help,
        }),
      )
  },
}
