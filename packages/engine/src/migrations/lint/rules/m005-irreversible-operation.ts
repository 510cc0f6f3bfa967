/** DORM-M005: an operation that declares itself irreversible. */
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import { destructiveKind } from './m006-destructive-run-sql.js'

function hit(ctx: OperationContext): RuleHit {
  const op = ctx.operation
  const runSql = op.kind === 'RunSQL'
  const why = runSql ? ' (it has no reverseSql)' : ''
  return {
    message:
      `${op.kind} declares reversible=false${why} — \`dorm migrate ${ctx.migration.app} <previous>\` will refuse ` +
      `to undo ${ctx.migration.name}.`,
    help: runSql
      ? 'Give reverseSql: the SQL that undoes it, or RunSQL.noop when there is nothing to undo.'
      : `Give ${op.kind} what it needs to undo itself, or accept a one-way migration and suppress this with ` +
        '// noqa: DORM-M005.',
  }
}

/**
 * DORM-M005: any operation whose `reversible` is false. One mistake gives one finding, so the more
 * precise rules keep theirs: RunCode is DORM-M004's, and a RunSQL with a destructive statement
 * (DROP TABLE, DROP COLUMN, TRUNCATE) is DORM-M006's, which also says the rollback is impossible.
 * A RunSQL is judged on its parsed statements and reported once, at its first statement.
 *
 * @example
 * ```ts
 * // fires: new RunSQL({ sql: 'UPDATE shop_order SET total = 0' })
 * // fine:  new RunSQL({ sql: 'UPDATE shop_order SET total = 0', reverseSql: RunSQL.noop })
 * // M006:  new RunSQL({ sql: 'DROP TABLE shop_legacy' })
 * ```
 */
export const irreversibleOperation: LintRule = {
  code: 'DORM-M005',
  name: 'irreversible-operation',
  severity: 'warning',
  summary: 'an operation declares reversible=false, so the migration cannot be rolled back',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    const op = ctx.operation
    if (op.reversible || op.kind === 'RunCode' || op.kind === 'RunSQL') return []
    return [hit(ctx)]
  },
  checkStatement(ctx, statement, all): readonly RuleHit[] {
    if (ctx.operation.reversible || statement.index !== 0) return []
    if (all.some((s) => destructiveKind(s.node) !== undefined)) return []
    return [hit(ctx)]
  },
}
