/** DORM-M006: RunSQL that drops or empties data and cannot put it back. */
import type { RunSQL } from '../../operations/special-operations.js'
import type { LintRule, OperationContext, RuleHit, SqlStatement } from '../lint-rule.js'

/** What a statement destroys (`DROP TABLE`, `DROP COLUMN`, `TRUNCATE`), from its parse tree. */
export function destructiveKind(node: Record<string, unknown>): string | undefined {
  const drop = node.DropStmt as { removeType?: string } | undefined
  if (drop?.removeType === 'OBJECT_TABLE') return 'DROP TABLE'
  if (node.TruncateStmt !== undefined) return 'TRUNCATE'
  const alter = node.AlterTableStmt as { cmds?: { AlterTableCmd?: { subtype?: string } }[] } | undefined
  if (alter?.cmds?.some((c) => c.AlterTableCmd?.subtype === 'AT_DropColumn')) return 'DROP COLUMN'
  return undefined
}

/**
 * DORM-M006: a `DROP TABLE`, `DROP COLUMN` or `TRUNCATE` (found by PostgreSQL's parser, so a
 * comment or string that mentions them does not count) in a RunSQL whose reverseSql is empty or
 * absent. One finding per destructive statement, at its line. Such a RunSQL gets no DORM-M005
 * as well: this finding already says the migration cannot be rolled back.
 *
 * @example
 * ```ts
 * // fires: new RunSQL({ sql: 'DROP TABLE shop_legacy', reverseSql: RunSQL.noop })
 * ```
 */
export const destructiveRunSql: LintRule = {
  code: 'DORM-M006',
  name: 'destructive-run-sql',
  severity: 'warning',
  summary: 'destructive RunSQL (DROP TABLE / DROP COLUMN / TRUNCATE) with an empty or absent reverseSql',
  checkStatement(ctx: OperationContext, statement: SqlStatement): readonly RuleHit[] {
    if (ctx.operation.kind !== 'RunSQL') return []
    const reverse = (ctx.operation as RunSQL).reverseSql
    if (reverse?.some((s) => s.trim() !== '')) return []
    const kind = destructiveKind(statement.node)
    if (kind === undefined) return []
    const rollback =
      reverse === undefined
        ? 'the migration cannot be rolled back at all'
        : 'the rollback will silently be a no-op and the data stays lost'
    return [
      {
        message: `destructive RunSQL with empty reverse_sql — \`${oneLine(statement.sql)}\` (${kind}) destroys data and ${rollback}.`,
        help:
          'Give reverseSql that recreates the structure (the data itself cannot come back: back it up first), or ' +
          'use the dorm operations (RemoveField, DeleteModel) so the migration state follows; after the release ' +
          'that stopped using the data is deployed.',
      },
    ]
  },
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat
}
