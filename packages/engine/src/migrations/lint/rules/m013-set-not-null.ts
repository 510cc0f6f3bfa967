/**
 * DORM-M013: SET NOT NULL scans the whole table under ACCESS EXCLUSIVE to prove there is no NULL.
 * PostgreSQL 12 and later skip that scan when a validated `CHECK (col IS NOT NULL)` already proves
 * it, which is the safe path this rule asks for. The CHECK may come from any earlier migration
 * (RunSQL or AddConstraint + ValidateConstraint): the linter replays the whole history. This rule
 * owns SET NOT NULL; DORM-M002 leaves it out of its AlterField report, so one change gives one finding.
 */
import type { AlterField } from '../../operations/field-operations.js'
import type { LintRule, OperationContext, RuleHit, SqlStatement } from '../lint-rule.js'
import { hasValidatedNotNullCheck } from './not-null-checks.js'
import {
  alterTable,
  columnOf,
  existedBefore,
  onPostgres,
  statementsBefore,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

function hit(ctx: OperationContext, what: string, table: string, column: string): RuleHit {
  const version = ctx.target.postgresVersion
  const skip =
    version >= 12
      ? `PostgreSQL ${version} skips the scan only when a validated CHECK (${column} IS NOT NULL) exists, and none does.`
      : `The target is PostgreSQL ${version}: before 12 the scan always happens; a validated CHECK does not help.`
  return {
    message: `${what} scans all of '${table}' under ACCESS EXCLUSIVE (reads and writes wait for the scan). ${skip}`,
    help:
      `In one migration new AddConstraint({ modelName, constraint: new CheckConstraint({ check: '${column} IS NOT NULL', ` +
      `name: '${table}_${column}_not_null' }), notValid: true }); in the next new ValidateConstraint({ modelName, name: ` +
      `'${table}_${column}_not_null' }) (SHARE UPDATE EXCLUSIVE: traffic goes on); then the AlterField to null: false ` +
      '(no scan on PostgreSQL 12+) and a RemoveConstraint of the CHECK.',
  }
}

/**
 * AlterField from `null: true` to `null: false`, or raw `ALTER COLUMN ... SET NOT NULL`, on an existing table.
 *
 * @example
 * ```ts
 * await runRule(setNotNull, { history, operations: [new AlterField({ modelName: 'order', name: 'note', field: new TextField() })] })
 * ```
 */
export const setNotNull: LintRule = {
  code: 'DORM-M013',
  name: 'set-not-null',
  severity: 'warning',
  summary: 'SET NOT NULL without a validated CHECK (col IS NOT NULL): full scan under ACCESS EXCLUSIVE',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'AlterField' || !onPostgres(ctx)) return []
    const op = ctx.operation as AlterField
    if (!existedBefore(ctx, op.modelName) || !op.field.concrete || op.field.nullable) return []
    const app = ctx.migration.app
    const before = ctx.before.get(app, op.modelName).fields.find(([n]) => n === op.name)?.[1]
    if (before === undefined || !before.nullable || !before.concrete) return []
    const table = tableOf(ctx.before, app, op.modelName) ?? op.modelName
    const column = columnOf(ctx.after, app, op.modelName, op.name)
    if (ctx.target.postgresVersion >= 12 && hasValidatedNotNullCheck(ctx, table, column)) return []
    return [hit(ctx, `AlterField makes '${column}' NOT NULL: SET NOT NULL`, table, column)]
  },
  checkStatement(ctx, statement: SqlStatement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const earlier = statementsBefore(statement, all).map((s) => s.sql)
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_SetNotNull' && cmd.name !== undefined)
      .filter(
        (cmd) =>
          ctx.target.postgresVersion < 12 || !hasValidatedNotNullCheck(ctx, alter.table, cmd.name ?? '', earlier),
      )
      .map((cmd) => hit(ctx, `ALTER COLUMN ${cmd.name} SET NOT NULL`, alter.table, cmd.name ?? ''))
  },
}
