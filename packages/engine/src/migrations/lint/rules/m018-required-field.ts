/**
 * DORM-M018: a NOT NULL column without a default cannot be added to a table that has rows:
 * PostgreSQL has nothing to put in them and the ALTER fails. Old code inserting without the column
 * would fail too.
 */
import type { AddField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import {
  addedColumn,
  alterTable,
  columnConstraints,
  existedBefore,
  onPostgres,
  stringList,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'])
const FILLED = new Set(['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'])

const help = (model: string, name: string): string =>
  `Give '${name}' a constant default (e.g. default: 0): from PostgreSQL 11 ADD COLUMN with a constant default is ` +
  `instant. Or add it with null: true, backfill it with RunSQL/RunCode, then AlterField '${model}.${name}' to ` +
  'null: false (see DORM-M013).'

/**
 * AddField with `null: false` and no default, or raw `ADD COLUMN ... NOT NULL` without DEFAULT, on an existing table.
 *
 * @example
 * ```ts
 * await runRule(requiredField, { history, operations: [new AddField({ modelName: 'order', name: 'total', field: new IntegerField() })] })
 * ```
 */
export const requiredField: LintRule = {
  code: 'DORM-M018',
  name: 'required-field',
  severity: 'error',
  summary: 'NOT NULL column without a default added to an existing table: fails when the table has rows',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'AddField' || !onPostgres(ctx)) return []
    const op = ctx.operation as AddField
    const field = op.field
    if (!existedBefore(ctx, op.modelName) || !field.concrete || field.nullable) return []
    if (field.hasDefault() || field.generated) return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName) ?? op.modelName
    return [
      {
        message:
          `AddField '${op.name}' is NOT NULL without a default: ADD COLUMN fails on '${table}' as soon as it has ` +
          'a row, and code of the previous release inserting without the column would fail too.',
        help: help(op.modelName, op.name),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      const column = addedColumn(cmd)
      if (column === undefined) continue
      const type = stringList((column.typeName as { names?: unknown } | undefined)?.names).at(-1) ?? ''
      const constraints = columnConstraints(column)
      const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL')
      if (!notNull || SERIAL.has(type.toLowerCase()) || constraints.some((c) => FILLED.has(String(c.contype)))) continue
      hits.push({
        message:
          `ADD COLUMN ${String(column.colname)} NOT NULL without DEFAULT fails on '${alter.table}' as soon as it ` +
          'has a row (ACCESS EXCLUSIVE lock, then an error).',
        help: help(alter.table, String(column.colname)),
      })
    }
    return hits
  },
}
