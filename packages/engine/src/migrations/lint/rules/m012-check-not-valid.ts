/**
 * DORM-M012: a CHECK constraint added without NOT VALID. PostgreSQL checks every existing row while
 * holding ACCESS EXCLUSIVE, so reads and writes on the table wait for the whole scan.
 */
import type { AddConstraint } from '../../operations/index-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import { addedConstraint, alterTable, existedBefore, onPostgres, tableExistedBefore, tableOf } from './sql-helpers.js'

const lock = (table: string): string =>
  `PostgreSQL checks every existing row while holding ACCESS EXCLUSIVE on '${table}' (reads and writes wait for the whole scan)`

const help = (model: string, name: string, check: string): string =>
  `Add it unvalidated, then validate in a later migration: new AddConstraint({ modelName: '${model}', constraint: ` +
  `new CheckConstraint({ check: '${check}', name: '${name}' }), notValid: true }) (brief lock, only new rows are ` +
  `checked), and in the next migration new ValidateConstraint({ modelName: '${model}', name: '${name}' }), which ` +
  'scans under SHARE UPDATE EXCLUSIVE while reads and writes go on.'

const sqlHelp = (table: string, name: string): string =>
  `Add it unvalidated, then validate in a later migration: 'ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (...) ` +
  `NOT VALID' (brief lock, only new rows are checked), and next 'ALTER TABLE ${table} VALIDATE CONSTRAINT ${name}' ` +
  '(or a ValidateConstraint operation), which scans under SHARE UPDATE EXCLUSIVE while reads and writes go on.'

/**
 * AddConstraint of a CheckConstraint on an existing table without `notValid: true`, or raw
 * `ADD CONSTRAINT ... CHECK` without NOT VALID. `AddConstraint({ ..., notValid: true })` followed by a
 * ValidateConstraint in a later migration is the safe way, and passes.
 *
 * @example
 * ```ts
 * await runRule(checkNotValid, { history, operations: [new AddConstraint({ modelName: 'book', constraint: check })] })
 * ```
 */
export const checkNotValid: LintRule = {
  code: 'DORM-M012',
  name: 'check-not-valid',
  severity: 'warning',
  summary: 'CHECK constraint added without NOT VALID: full scan under ACCESS EXCLUSIVE',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'AddConstraint' || !onPostgres(ctx)) return []
    const op = ctx.operation as AddConstraint
    if (op.constraint.kind !== 'CheckConstraint' || op.notValid === true || !existedBefore(ctx, op.modelName)) return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName) ?? op.modelName
    return [
      {
        message: `AddConstraint adds CHECK '${op.constraint.name}' validated at once: ${lock(table)}.`,
        help: help(op.modelName, op.constraint.name, op.constraint.check),
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    return alter.cmds
      .map(addedConstraint)
      .filter((c) => c?.contype === 'CONSTR_CHECK' && c.skip_validation !== true)
      .map((c): RuleHit => {
        const name = typeof c?.conname === 'string' ? c.conname : undefined
        return {
          message: `ADD CONSTRAINT${name === undefined ? '' : ` ${name}`} CHECK without NOT VALID: ${lock(alter.table)}.`,
          help: sqlHelp(alter.table, name ?? '<name>'),
        }
      })
  },
}
