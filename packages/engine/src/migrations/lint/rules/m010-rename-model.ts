/**
 * DORM-M010: renaming a table. The old release keeps querying the old name during the deploy and
 * fails until it is gone.
 */
import type { AlterModelTable, RenameModel } from '../../operations/model-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import { existedBefore, relationName, tableExistedBefore, tableOf, unwrap } from './sql-helpers.js'

const help = (model: string, table: string): string =>
  `Keep the table: give the model options: { dbTable: '${table}' } so RenameModel / AlterModelTable renames ` +
  `nothing in the database. To really move '${model}', deploy code that no longer needs the old name first ` +
  `(for example reading through a view named like the new table), then rename and mark it '// noqa: DORM-M010'.`

const hit = (what: string, from: string, to: string, model: string): RuleHit => ({
  message:
    `${what} renames table '${from}' to '${to}' (ACCESS EXCLUSIVE lock, brief): code of the previous release ` +
    `still running during the deploy queries '${from}' and fails.`,
  help: help(model, from),
})

function renamedTables(ctx: OperationContext): { model: string; from?: string; to?: string } | undefined {
  const app = ctx.migration.app
  if (ctx.operation.kind === 'RenameModel') {
    const op = ctx.operation as RenameModel
    return { model: op.oldName, from: tableOf(ctx.before, app, op.oldName), to: tableOf(ctx.after, app, op.newName) }
  }
  if (ctx.operation.kind === 'AlterModelTable') {
    const op = ctx.operation as AlterModelTable
    return { model: op.name, from: tableOf(ctx.before, app, op.name), to: tableOf(ctx.after, app, op.name) }
  }
  return undefined
}

/**
 * RenameModel or AlterModelTable that changes the table name, or `ALTER TABLE ... RENAME TO`.
 *
 * @example
 * ```ts
 * await runRule(renameModel, { history, operations: [new RenameModel({ oldName: 'Legacy', newName: 'Archive' })] })
 * ```
 */
export const renameModel: LintRule = {
  code: 'DORM-M010',
  name: 'rename-model',
  severity: 'warning',
  summary: 'RenameModel / AlterModelTable / RENAME TO breaks the code still running during a rolling deploy',
  checkOperation(ctx) {
    const renamed = renamedTables(ctx)
    if (renamed === undefined || !existedBefore(ctx, renamed.model)) return []
    const { from, to } = renamed
    if (from === undefined || to === undefined || from === to) return []
    return [hit(ctx.operation.kind, from, to, renamed.model)]
  },
  checkStatement(ctx, statement, all) {
    const rename = unwrap(statement.node, 'RenameStmt')
    const table = relationName(rename?.relation)
    if (rename?.renameType !== 'OBJECT_TABLE' || table === undefined) return []
    if (!tableExistedBefore(ctx, statement, all, table)) return []
    return [hit('ALTER TABLE', table, String(rename.newname), table)]
  },
}
