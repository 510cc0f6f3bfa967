/** DORM-M002: an AlterField that rewrites the table or holds a long lock. */
import type { AnyField } from '../../../models/fields/field.js'
import { modelKey } from '../../migration-state.js'
import type { AlterField } from '../../operations/field-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'

interface Change {
  readonly why: string
  readonly help: string
}

function columnType(field: AnyField): string {
  // what the schema editor compares: a serial column is an integer column
  return field
    .dbType('postgresql')
    .replace(/^bigserial$/, 'bigint')
    .replace(/^serial$/, 'integer')
}

/**
 * Whether PostgreSQL changes the type with a catalog update only (binary-coercible, no rewrite):
 * the strong_migrations matrix for the types dorm fields produce.
 */
export function isSafeTypeChange(from: string, to: string): boolean {
  if (from === to) return true
  const varchar = /^varchar\((\d+)\)$/
  const numeric = /^numeric\((\d+), ?(\d+)\)$/
  const fromVarchar = varchar.exec(from)
  if (fromVarchar !== null) {
    if (to === 'text' || to === 'varchar') return true
    const toVarchar = varchar.exec(to)
    return toVarchar !== null && Number(toVarchar[1]) >= Number(fromVarchar[1])
  }
  const fromNumeric = numeric.exec(from)
  const toNumeric = numeric.exec(to)
  if (fromNumeric !== null && toNumeric !== null) {
    return toNumeric[2] === fromNumeric[2] && Number(toNumeric[1]) >= Number(fromNumeric[1])
  }
  return from === 'cidr' && to === 'inet'
}

function postgresChanges(before: AnyField, after: AnyField, table: string): Change[] {
  const changes: Change[] = []
  if (before.column !== after.column) {
    changes.push({
      why: `renames column ${before.column} to ${after.column}, which breaks the running release's queries`,
      help: 'add the new column, write both, backfill, switch reads, then remove the old one',
    })
  }
  const from = columnType(before)
  const to = columnType(after)
  if (!isSafeTypeChange(from, to)) {
    changes.push({
      why:
        `changes the column type from ${from} to ${to}, which rewrites ${table} and rebuilds its indexes under an ` +
        'ACCESS EXCLUSIVE lock (reads and writes wait)',
      help:
        `add a new ${to} column (AddField, null: true), backfill it in batches, switch the code to it, then ` +
        'remove the old column',
    })
  }
  // SET NOT NULL is DORM-M013's: it knows the validated CHECK (col IS NOT NULL) that makes it safe
  if (!before.unique && after.unique && !after.primaryKey) {
    changes.push({
      why:
        `adds a UNIQUE constraint, which builds its index on ${table} under an ACCESS EXCLUSIVE lock and fails ` +
        'if duplicates exist',
      help:
        'build a unique index CONCURRENTLY in a non-atomic migration (RunSQL), then ' +
        'ADD CONSTRAINT ... UNIQUE USING INDEX',
    })
  }
  if (before.options.dbIndex !== true && after.options.dbIndex === true && !after.unique) {
    changes.push({
      why: `adds an index without CONCURRENTLY, which blocks writes to ${table} while it builds`,
      help: 'add the index with AddIndex({ concurrently: true }) in a non-atomic migration instead of dbIndex',
    })
  }
  return changes
}

function sqliteChanges(before: AnyField, after: AnyField, table: string, vendor: string): Change[] {
  const changed =
    before.column !== after.column ||
    before.dbType('sqlite') !== after.dbType('sqlite') ||
    before.nullable !== after.nullable ||
    before.unique !== after.unique
  if (!changed) return []
  return [
    {
      why:
        `is applied on ${vendor} by rebuilding ${table}: a new table is created, every row copied, the old one ` +
        'dropped, all under the database write lock',
      help: 'run it when the table is small or the app can pause writes',
    },
  ]
}

/**
 * DORM-M002. The original warned on every AlterField (its operation did not know the old field);
 * dorm replays the history, compares the old and new field, and fires only when the change
 * rewrites the table or holds a lock for a scan: varchar(100) -> varchar(255), varchar -> text,
 * DROP NOT NULL or a new default are catalog-only changes and pass. On PostgreSQL, SET NOT NULL is
 * left to DORM-M013 (it knows when a validated CHECK makes it scan-free), so one change gives one
 * finding; on SQLite and libsql every column change rebuilds the table and stays here.
 *
 * @example
 * ```ts
 * // fires: IntegerField -> BigIntegerField (integer -> bigint rewrites the table)
 * // fine:  CharField({ maxLength: 100 }) -> CharField({ maxLength: 255 })
 * ```
 */
export const alterFieldRewrite: LintRule = {
  code: 'DORM-M002',
  name: 'alter-field-rewrite',
  severity: 'warning',
  summary: 'AlterField that rewrites the table or locks it for a full scan',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    if (ctx.operation.kind !== 'AlterField') return []
    const op = ctx.operation as AlterField
    const app = ctx.migration.app
    if (ctx.createdHere.has(modelKey(app, op.modelName))) return []
    let before: AnyField
    let after: AnyField
    let table: string
    try {
      const oldModel = ctx.before.render(app, op.modelName)
      before = oldModel.meta.getField(op.name)
      after = ctx.after.render(app, op.modelName).meta.getField(op.name)
      table = oldModel.meta.dbTable
    } catch {
      // the history does not know the field (a file failed to load): nothing to compare with
      return []
    }
    if (!before.concrete || !after.concrete) return []
    const changes =
      ctx.target.vendor === 'postgresql'
        ? postgresChanges(before, after, table)
        : sqliteChanges(before, after, table, ctx.target.vendor === 'sqlite' ? 'SQLite' : 'libsql')
    if (changes.length === 0) return []
    return [
      {
        message: `AlterField on ${after.kind} '${op.modelName}.${op.name}' ${changes.map((c) => c.why).join('; ')}.`,
        help: `${changes.map((c) => c.help.charAt(0).toUpperCase() + c.help.slice(1)).join('. ')}.`,
      },
    ]
  },
}
