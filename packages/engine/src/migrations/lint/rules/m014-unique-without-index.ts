/**
 * DORM-M014: a UNIQUE constraint added in place builds its index while holding ACCESS EXCLUSIVE,
 * so reads and writes wait for the whole build. A unique index built CONCURRENTLY first avoids it.
 */
import type { AddField, AlterField } from '../../operations/field-operations.js'
import type { AddConstraint } from '../../operations/index-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import {
  addedColumn,
  addedConstraint,
  alterTable,
  columnConstraints,
  existedBefore,
  onPostgres,
  stringList,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

const lock = (table: string): string =>
  `builds the unique index while holding ACCESS EXCLUSIVE on '${table}' (reads and writes wait for the whole build)`

const help = (model: string, fields: readonly string[], name: string, table: string): string =>
  `Build the index first without blocking: AddIndex({ modelName: '${model}', index: new Index({ fields: ` +
  `[${fields.map((f) => `'${f}'`).join(', ')}], name: '${name}', unique: true }), concurrently: true }) in a migration ` +
  `with atomic: false; a unique index enforces uniqueness just as well. If you need the constraint itself, follow ` +
  `with RunSQL('ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}'), which only flips metadata.`

function uniqueChange(ctx: OperationContext): { model: string; fields: readonly string[]; name?: string } | undefined {
  const op = ctx.operation
  if (op.kind === 'AddConstraint') {
    const { modelName, constraint } = op as AddConstraint
    if (constraint.kind === 'UniqueConstraint')
      return { model: modelName, fields: constraint.fields, name: constraint.name }
  }
  if (op.kind === 'AddField') {
    const { modelName, name, field } = op as AddField
    if (field.concrete && field.unique && !field.primaryKey) return { model: modelName, fields: [name] }
  }
  if (op.kind === 'AlterField') {
    const { modelName, name, field } = op as AlterField
    const before = ctx.before.get(ctx.migration.app, modelName).fields.find(([n]) => n === name)?.[1]
    if (field.concrete && field.unique && !field.primaryKey && before !== undefined && !before.unique) {
      return { model: modelName, fields: [name] }
    }
  }
  return undefined
}

/**
 * AddConstraint(UniqueConstraint), AddField / AlterField with `unique: true`, or raw `ADD ... UNIQUE`
 * without `USING INDEX`, on an existing table.
 *
 * @example
 * ```ts
 * await runRule(uniqueWithoutIndex, { history, operations: [new AddConstraint({ modelName: 'customer', constraint: unique })] })
 * ```
 */
export const uniqueWithoutIndex: LintRule = {
  code: 'DORM-M014',
  name: 'unique-without-index',
  severity: 'warning',
  summary: 'UNIQUE constraint added without a concurrently built unique index: index build under ACCESS EXCLUSIVE',
  checkOperation(ctx) {
    if (!onPostgres(ctx)) return []
    const change = uniqueChange(ctx)
    if (change === undefined || !existedBefore(ctx, change.model)) return []
    const table = tableOf(ctx.before, ctx.migration.app, change.model) ?? change.model
    const name = change.name ?? `${table}_${change.fields.join('_')}_uniq`.slice(0, 63)
    return [
      {
        message: `${ctx.operation.kind} adds a UNIQUE constraint on ${change.fields.join(', ')}: it ${lock(table)}.`,
        help: help(change.model, change.fields, name, table),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      const column = addedColumn(cmd)
      const constraints = [addedConstraint(cmd), ...columnConstraints(column)]
      for (const c of constraints) {
        if (c?.contype !== 'CONSTR_UNIQUE' || typeof c.indexname === 'string') continue
        const fields = column === undefined ? stringList(c.keys) : [String(column.colname)]
        const name = typeof c.conname === 'string' ? c.conname : `${alter.table}_${fields.join('_')}_key`
        hits.push({
          message: `ADD UNIQUE on ${alter.table} (${fields.join(', ')}) ${lock(alter.table)}.`,
          help: help(alter.table, fields, name, alter.table),
        })
      }
    }
    return hits
  },
}
