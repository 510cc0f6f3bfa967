/** DORM-M001: AddField NOT NULL with a default, on a table that already has rows. */
import { modelKey } from '../../migration-state.js'
import type { AddField } from '../../operations/field-operations.js'
import type { LintRule, LintTarget, OperationContext, RuleHit } from '../lint-rule.js'

/** The first sentence every DORM-M001 message starts with (the seed's wording, kept verbatim). */
export const M001_LEAD = 'AddField with null=False and a default backfills every row of the table at migration time.'

function detail(target: LintTarget, op: AddField): string {
  const called =
    typeof op.field.options.default === 'function'
      ? ' The default is a function, but it is called once: every existing row gets the same value.'
      : ''
  if (target.vendor !== 'postgresql') {
    return (
      ` On ${target.vendor === 'sqlite' ? 'SQLite' : 'libsql'} the value is kept as the column's default (no table` +
      ` rewrite); on PostgreSQL the same migration drops that default right after.${called}`
    )
  }
  if (target.postgresVersion < 11) {
    return (
      ` On PostgreSQL ${target.postgresVersion} that rewrites the whole table under an ACCESS EXCLUSIVE lock:` +
      ` reads and writes wait until every row is written.${called}`
    )
  }
  return (
    ` On PostgreSQL ${target.postgresVersion} the constant default is stored in the catalog, so the table is not` +
    ` rewritten, but dorm drops the default right after adding the column: until the new code is deployed,` +
    ` inserts by the running release (which does not know '${op.name}') fail with a NOT NULL violation.${called}`
  )
}

/**
 * DORM-M001. Fires only when a default was given (the original fired on every NOT NULL AddField:
 * its "no default" sentinel was not None); silent when the model is created in the same migration
 * (its table is empty).
 *
 * @example
 * ```ts
 * // fires: new AddField({ modelName: 'author', name: 'score', field: new IntegerField({ default: 0 }) })
 * ```
 */
export const addFieldWithDefault: LintRule = {
  code: 'DORM-M001',
  name: 'add-field-with-default',
  severity: 'warning',
  summary: 'AddField with null=False and a default backfills every row and breaks inserts of the running release',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    // by kind, not instanceof: a project's migrations may load another copy of the engine
    if (ctx.operation.kind !== 'AddField') return []
    const op = ctx.operation as AddField
    const field = op.field
    if (!field.concrete || field.nullable || !field.hasDefault() || field.generated) return []
    if (ctx.createdHere.has(modelKey(ctx.migration.app, op.modelName))) return []
    return [
      {
        message: `${M001_LEAD}${detail(ctx.target, op)}`,
        help:
          `Prefer a 3-step deploy: AddField '${op.name}' with null: true; backfill it in batches (RunCode or RunSQL); ` +
          'once every row and the deployed code set it, AlterField to null: false.',
      },
    ]
  },
}
