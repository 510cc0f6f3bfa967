/**
 * DORM-M017: a column added with a per-row default. In SQL, a VOLATILE default (random(),
 * gen_random_uuid(), clock_timestamp(), a serial's nextval()) forces PostgreSQL to rewrite the whole
 * table under ACCESS EXCLUSIVE on every version; only constant and STABLE defaults (now()) are
 * instant from PostgreSQL 11. dorm's AddField instead evaluates a default function once, in Node, so
 * every existing row gets the same value and a unique column fails.
 */
import type { AddField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import {
  addedColumn,
  alterTable,
  columnConstraints,
  existedBefore,
  functionsIn,
  onPostgres,
  stringList,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

const VOLATILE = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'random_normal',
])
// immutable or stable: evaluated once for the ALTER, stored as the missing value, no rewrite on 11+
const NOT_VOLATILE = new Set([
  'now',
  'statement_timestamp',
  'transaction_timestamp',
  'current_setting',
  'to_jsonb',
  'jsonb_build_object',
  'json_build_object',
  'lower',
  'upper',
])
const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'])

const sqlHelp =
  'Add the column without the default (or with a constant one), backfill it in batches with RunSQL/RunCode, ' +
  "then set the default for new rows with 'ALTER TABLE ... ALTER COLUMN ... SET DEFAULT ...' (no rewrite)."

/** Why an added column rewrites the table, or undefined when it does not. */
function rewriteReason(column: Record<string, unknown>, postgresVersion: number): string | undefined {
  const type = stringList((column.typeName as { names?: unknown } | undefined)?.names).at(-1) ?? ''
  if (SERIAL.has(type.toLowerCase())) return `its ${type} type defaults to nextval(), which is VOLATILE`
  for (const c of columnConstraints(column)) {
    if (c.contype === 'CONSTR_IDENTITY') return 'an identity column fills every existing row'
    if (c.contype === 'CONSTR_GENERATED') return 'a stored generated column is computed for every existing row'
    if (c.contype !== 'CONSTR_DEFAULT') continue
    const volatile = functionsIn(c.raw_expr).filter((f) => VOLATILE.has(f))
    if (volatile.length > 0) return `the default calls ${volatile[0]}(), which is VOLATILE`
    const unknown = functionsIn(c.raw_expr).filter((f) => !NOT_VOLATILE.has(f))
    if (unknown.length > 0) return `the default calls ${unknown[0]}(), which may be VOLATILE`
    if (postgresVersion < 11) return `the target is PostgreSQL ${postgresVersion}: before 11 any DEFAULT rewrites`
  }
  return undefined
}

/**
 * AddField with a default function on a unique field, or raw `ADD COLUMN` with a volatile default,
 * a serial type, an identity or a stored generated column, on an existing table.
 *
 * @example
 * ```ts
 * await runRule(volatileDefault, { history, operations: [new RunSQL({ sql: 'ALTER TABLE x_order ADD COLUMN token uuid DEFAULT gen_random_uuid()' })] })
 * ```
 */
export const volatileDefault: LintRule = {
  code: 'DORM-M017',
  name: 'volatile-default',
  severity: 'warning',
  summary: 'Column added with a per-row (volatile) default: a table rewrite, or one value for every row',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'AddField' || !onPostgres(ctx)) return []
    const op = ctx.operation as AddField
    const field = op.field
    if (!existedBefore(ctx, op.modelName) || !field.concrete || field.nullable || !field.unique) return []
    if (typeof field.options.default !== 'function') return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName) ?? op.modelName
    return [
      {
        message:
          `AddField '${op.name}' has a default function, which dorm calls once to fill the existing rows of ` +
          `'${table}': they all get the same value, and the UNIQUE column fails on a table with two rows or more.`,
        help:
          `Add '${op.name}' with null: true, fill it per row with RunSQL (e.g. UPDATE ${table} SET ... = ` +
          'gen_random_uuid() in batches) or RunCode, then AlterField to null: false (see DORM-M013).',
      },
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      const column = addedColumn(cmd)
      const reason = column === undefined ? undefined : rewriteReason(column, ctx.target.postgresVersion)
      if (column === undefined || reason === undefined) continue
      hits.push({
        message:
          `ADD COLUMN ${String(column.colname)} rewrites all of '${alter.table}' under ACCESS EXCLUSIVE (reads and ` +
          `writes wait for the rewrite): ${reason}.`,
        help: sqlHelp,
      })
    }
    return hits
  },
}
