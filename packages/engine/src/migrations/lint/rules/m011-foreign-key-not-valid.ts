/**
 * DORM-M011: a foreign key added without NOT VALID. PostgreSQL checks every existing row against
 * the referenced table while holding SHARE ROW EXCLUSIVE on both tables, so writes to both wait
 * for the whole scan.
 */
import type { AddField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import {
  addedColumn,
  addedConstraint,
  alterTable,
  columnConstraints,
  existedBefore,
  onPostgres,
  relationName,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

const lock = (table: string, target: string): string =>
  `PostgreSQL validates every row while holding SHARE ROW EXCLUSIVE on '${table}' and '${target}' ` +
  `(writes to both tables wait for the whole scan)`

const sqlHelp =
  'Add the constraint with NOT VALID (only new rows are checked, the lock is brief), then validate it in a later ' +
  "migration with new ValidateConstraint({ modelName, name }) (or 'ALTER TABLE ... VALIDATE CONSTRAINT ...'): it " +
  'takes SHARE UPDATE EXCLUSIVE, so reads and writes go on while it scans.'

function relatedTable(field: unknown): string {
  try {
    return (field as { relatedModel: { meta: { dbTable: string } } }).relatedModel.meta.dbTable
  } catch {
    return 'the referenced table'
  }
}

/**
 * AddField of a ForeignKey / OneToOneField on an existing table, or raw `ADD ... FOREIGN KEY`
 * / `ADD COLUMN ... REFERENCES` without NOT VALID.
 *
 * @example
 * ```ts
 * await runRule(foreignKeyNotValid, { history, operations: [new AddField({ modelName: 'order', name: 'customer', field: fk })] })
 * ```
 */
export const foreignKeyNotValid: LintRule = {
  code: 'DORM-M011',
  name: 'foreign-key-not-valid',
  severity: 'warning',
  summary: 'Foreign key added without NOT VALID: validated under SHARE ROW EXCLUSIVE on both tables',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'AddField' || !onPostgres(ctx)) return []
    const op = ctx.operation as AddField
    if (!op.field.isRelation || !op.field.concrete || !existedBefore(ctx, op.modelName)) return []
    const app = ctx.migration.app
    const table = tableOf(ctx.before, app, op.modelName) ?? op.modelName
    let target = 'the referenced table'
    try {
      target = relatedTable(ctx.after.render(app, op.modelName).meta.getField(op.name))
    } catch {
      // an unresolvable target still deserves the finding; the message names it generically
    }
    return [
      {
        message: `AddField '${op.name}' adds a column with REFERENCES '${target}' and no NOT VALID: ${lock(table, target)}.`,
        help:
          "dorm's AddField always validates the foreign key. On a small table mark it '// noqa: DORM-M011'; on a " +
          'large or busy one add the column nullable and the constraint in RunSQL (ADD CONSTRAINT ... FOREIGN KEY ' +
          `... NOT VALID), and new ValidateConstraint({ modelName: '${op.modelName}', name: '<constraint>' }) in a later migration.`,
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      const constraints = [addedConstraint(cmd), ...columnConstraints(addedColumn(cmd))]
      for (const constraint of constraints) {
        if (constraint?.contype !== 'CONSTR_FOREIGN' || constraint.skip_validation === true) continue
        const target = relationName(constraint.pktable) ?? 'the referenced table'
        hits.push({
          message: `Foreign key on '${alter.table}' referencing '${target}' without NOT VALID: ${lock(alter.table, target)}.`,
          help: sqlHelp,
        })
      }
    }
    return hits
  },
}
