/**
 * DORM-M009: dropping a table. Old code still running during the deploy queries it and fails, and
 * the data is gone for good; DROP TABLE also waits for every open transaction that touched it.
 */
import type { DeleteModel } from '../../operations/model-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import { droppedObjects, existedBefore, tableOf, tablesCreatedBefore, unwrap } from './sql-helpers.js'

const help = (model: string): string =>
  `Expand/contract: first remove every use of '${model}' from code (and ForeignKeys to it), deploy that ` +
  `everywhere, then DeleteModel in a later migration and mark it '// noqa: DORM-M009'. Back the data up first ` +
  `if it may be needed again.`

/**
 * DeleteModel, or `DROP TABLE`, of a table that existed before the migration.
 *
 * @example
 * ```ts
 * await runRule(deleteModel, { history, operations: [new DeleteModel({ name: 'Legacy' })] })
 * ```
 */
export const deleteModel: LintRule = {
  code: 'DORM-M009',
  name: 'delete-model',
  severity: 'warning',
  summary: 'DeleteModel / DROP TABLE loses data and breaks the code still running during a rolling deploy',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'DeleteModel') return []
    const op = ctx.operation as DeleteModel
    const app = ctx.migration.app
    if (!existedBefore(ctx, op.name) || ctx.before.get(app, op.name).options.managed === false) return []
    const table = tableOf(ctx.before, app, op.name) ?? op.name
    return [
      {
        message:
          `DeleteModel drops table '${table}' and its data (ACCESS EXCLUSIVE lock, waits for every open ` +
          `transaction on it): code of the previous release still running during the deploy queries it and fails.`,
        help: help(op.name),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const drop = unwrap(statement.node, 'DropStmt')
    if (drop?.removeType !== 'OBJECT_TABLE') return []
    const created = tablesCreatedBefore(ctx, statement, all)
    return droppedObjects(drop)
      .filter((table) => !created.has(table))
      .map(
        (table): RuleHit => ({
          message:
            `DROP TABLE '${table}' deletes its data (ACCESS EXCLUSIVE lock, waits for every open transaction on ` +
            `it): code of the previous release still running during the deploy queries it and fails.`,
          help: help(table),
        }),
      )
  },
}
