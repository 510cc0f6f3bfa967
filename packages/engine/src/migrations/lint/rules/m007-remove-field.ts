/**
 * DORM-M007: dropping a column while the previous release still runs. During a rolling deploy the
 * old code keeps selecting and inserting the column, and every such query fails once it is gone.
 */
import type { RemoveField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import { alterTable, columnOf, existedBefore, tableExistedBefore, tableOf } from './sql-helpers.js'

const help = (model: string, field: string): string =>
  `Expand/contract: first stop reading and writing '${field}' in code and make it nullable ` +
  `(AlterField({ modelName: '${model}', name: '${field}', field: ... null: true })), deploy that everywhere, ` +
  `then RemoveField in a later migration and mark it '// noqa: DORM-M007'.`

/**
 * RemoveField, or `ALTER TABLE ... DROP COLUMN`, on a table that existed before the migration.
 *
 * @example
 * ```ts
 * await runRule(removeField, { history, operations: [new RemoveField({ modelName: 'order', name: 'note' })] })
 * ```
 */
export const removeField: LintRule = {
  code: 'DORM-M007',
  name: 'remove-field',
  severity: 'warning',
  summary: 'RemoveField / DROP COLUMN breaks the code still running during a rolling deploy',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'RemoveField') return []
    const op = ctx.operation as RemoveField
    if (!existedBefore(ctx, op.modelName)) return []
    const app = ctx.migration.app
    const table = tableOf(ctx.before, app, op.modelName) ?? op.modelName
    const column = columnOf(ctx.before, app, op.modelName, op.name)
    return [
      {
        message:
          `RemoveField drops column '${column}' of '${table}' (ACCESS EXCLUSIVE lock, brief): code of the ` +
          `previous release still running during the deploy selects or inserts it and fails.`,
        help: help(op.modelName, op.name),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_DropColumn')
      .map(
        (cmd): RuleHit => ({
          message:
            `DROP COLUMN '${cmd.name}' of '${alter.table}' (ACCESS EXCLUSIVE lock, brief): code of the previous ` +
            `release still running during the deploy selects or inserts it and fails.`,
          help: help(alter.table, cmd.name ?? 'the column'),
        }),
      )
  },
}
