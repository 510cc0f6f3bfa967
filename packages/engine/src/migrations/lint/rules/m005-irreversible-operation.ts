/** DORM-M005: an operation that declares itself irreversible. */
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'

/**
 * DORM-M005: any operation whose `reversible` is false. RunCode is left to DORM-M004, which says
 * the same thing more precisely, so one mistake gives one finding.
 *
 * @example
 * ```ts
 * // fires: new RunSQL({ sql: 'UPDATE shop_order SET total = 0' })
 * // fine:  new RunSQL({ sql: 'UPDATE shop_order SET total = 0', reverseSql: RunSQL.noop })
 * ```
 */
export const irreversibleOperation: LintRule = {
  code: 'DORM-M005',
  name: 'irreversible-operation',
  severity: 'warning',
  summary: 'an operation declares reversible=false, so the migration cannot be rolled back',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    const op = ctx.operation
    if (op.reversible || op.kind === 'RunCode') return []
    const runSql = op.kind === 'RunSQL'
    const why = runSql ? ' (it has no reverseSql)' : ''
    return [
      {
        message:
          `${op.kind} declares reversible=false${why} — \`dorm migrate ${ctx.migration.app} <previous>\` will refuse ` +
          `to undo ${ctx.migration.name}.`,
        help: runSql
          ? 'Give reverseSql: the SQL that undoes it, or RunSQL.noop when there is nothing to undo.'
          : `Give ${op.kind} what it needs to undo itself, or accept a one-way migration and suppress this with ` +
            '// noqa: DORM-M005.',
      },
    ]
  },
}
