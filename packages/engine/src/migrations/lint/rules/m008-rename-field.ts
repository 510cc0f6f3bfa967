/**
 * DORM-M008: renaming a column. The old release, still serving while the new one rolls out, uses
 * the old name and fails on every query that touches the column.
 */
import type { RenameField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import { columnOf, existedBefore, relationName, tableExistedBefore, tableOf, unwrap } from './sql-helpers.js'

const help = (field: string, column: string): string =>
  `Keep the column: rename the field in code with dbColumn: '${column}' so RenameField renames nothing in the ` +
  `database. To really rename '${field}': AddField the new field (nullable), write both from code, backfill with ` +
  `RunSQL/RunCode, switch reads, and RemoveField the old one in a later migration.`

/**
 * RenameField that changes the column name, or `ALTER TABLE ... RENAME COLUMN`, on an existing table.
 *
 * @example
 * ```ts
 * await runRule(renameField, { history, operations: [new RenameField({ modelName: 'order', oldName: 'status', newName: 'state' })] })
 * ```
 */
export const renameField: LintRule = {
  code: 'DORM-M008',
  name: 'rename-field',
  severity: 'warning',
  summary: 'RenameField / RENAME COLUMN breaks the code still running during a rolling deploy',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'RenameField') return []
    const op = ctx.operation as RenameField
    if (!existedBefore(ctx, op.modelName)) return []
    const app = ctx.migration.app
    const oldColumn = columnOf(ctx.before, app, op.modelName, op.oldName)
    const newColumn = columnOf(ctx.after, app, op.modelName, op.newName)
    // a dbColumn that keeps the old name makes the rename state-only
    if (oldColumn === newColumn) return []
    const table = tableOf(ctx.before, app, op.modelName) ?? op.modelName
    return [
      {
        message:
          `RenameField renames column '${oldColumn}' of '${table}' to '${newColumn}' (ACCESS EXCLUSIVE lock, brief): ` +
          `code of the previous release still running during the deploy uses '${oldColumn}' and fails.`,
        help: help(op.oldName, oldColumn),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const rename = unwrap(statement.node, 'RenameStmt')
    const table = relationName(rename?.relation)
    if (rename?.renameType !== 'OBJECT_COLUMN' || table === undefined) return []
    if (!tableExistedBefore(ctx, statement, all, table)) return []
    const column = String(rename.subname)
    const hit: RuleHit = {
      message:
        `RENAME COLUMN '${column}' of '${table}' to '${String(rename.newname)}' (ACCESS EXCLUSIVE lock, brief): ` +
        `code of the previous release still running during the deploy uses '${column}' and fails.`,
      help: help(column, column),
    }
    return [hit]
  },
}
