/**
 * DORM-M023: a RunSQL that switches off the protection `dorm migrate` gives every migration on
 * PostgreSQL. dorm sets `lock_timeout` itself (MIGRATION_TABLE_LOCK_TIMEOUT_MS, default 10 s), so a DDL
 * statement stuck behind a long transaction gives up instead of queueing every query of the table
 * behind it; `SET lock_timeout = 0` or a reset to the server default (usually 0: wait forever)
 * undoes that, and `SET statement_timeout = 0` lifts the bound a role or database may set.
 */
import type { LintRule, RuleHit } from '../lint-rule.js'
import { onPostgres, type PgNode, unwrap } from './sql-helpers.js'

/** `0`, `'0'`, `'0ms'`, `'0s'`, `0.0`: every way to write "no timeout". */
const ZERO = /^0+(?:\.0+)?\s*(?:us|ms|s|min|h|d)?$/i

function isZero(arg: unknown): boolean {
  const constant = unwrap(arg, 'A_Const')
  if (constant === undefined) return false
  const ival = constant.ival as PgNode | undefined
  if (ival !== undefined) return ival.ival === undefined || ival.ival === 0
  const text = ((constant.sval as PgNode | undefined)?.sval ?? (constant.fval as PgNode | undefined)?.fval) as
    | string
    | undefined
  return typeof text === 'string' && ZERO.test(text.trim())
}

/** What the statement does to the timeouts, in words, or undefined when it leaves them alone. */
export function disabledTimeout(node: Record<string, unknown>): string | undefined {
  const set = unwrap(node, 'VariableSetStmt')
  if (set === undefined) return undefined
  const name = typeof set.name === 'string' ? set.name.toLowerCase() : undefined
  const args = Array.isArray(set.args) ? set.args : []
  if (set.kind === 'VAR_RESET_ALL') return 'RESET ALL resets lock_timeout to the server default'
  if (name === 'lock_timeout') {
    if (set.kind === 'VAR_SET_DEFAULT') return 'SET lock_timeout TO DEFAULT puts back the server default'
    if (set.kind === 'VAR_RESET') return 'RESET lock_timeout puts back the server default'
    if (set.kind === 'VAR_SET_VALUE' && args.length === 1 && isZero(args[0])) {
      return 'SET lock_timeout = 0 lets a statement wait for its lock forever'
    }
  }
  if (name === 'statement_timeout' && set.kind === 'VAR_SET_VALUE' && args.length === 1 && isZero(args[0])) {
    return 'SET statement_timeout = 0 lets a statement run forever'
  }
  return undefined
}

/**
 * `SET lock_timeout = 0`, `SET lock_timeout TO DEFAULT`, `RESET lock_timeout`, `RESET ALL` or
 * `SET statement_timeout = 0` in a RunSQL, on PostgreSQL.
 *
 * @example
 * ```ts
 * await runRule(lockTimeoutDisabled, { operations: [new RunSQL({ sql: 'SET lock_timeout = 0; ALTER TABLE t ...' })] })
 * ```
 */
export const lockTimeoutDisabled: LintRule = {
  code: 'DORM-M023',
  name: 'lock-timeout-disabled',
  severity: 'warning',
  summary: "RunSQL switches off dorm migrate's lock_timeout (or statement_timeout) for the migration",
  checkStatement(ctx, statement): readonly RuleHit[] {
    if (!onPostgres(ctx)) return []
    const what = disabledTimeout(statement.node)
    if (what === undefined) return []
    return [
      {
        message:
          `${what}: dorm migrate sets lock_timeout for every migration (MIGRATION_TABLE_LOCK_TIMEOUT_MS, default 10 s) ` +
          'so a statement that waits behind a long transaction gives up; without it, the statement queues ' +
          'every read and write of its table behind it for as long as it waits.',
        help:
          'Remove the statement. If this migration really needs a longer wait, run it with ' +
          '`dorm migrate --lock-timeout <ms>` (or raise MIGRATION_TABLE_LOCK_TIMEOUT_MS), or set a larger finite ' +
          "value (SET LOCAL lock_timeout = '30s'); if a lock wait timed out, retry when the blocking transaction ends.",
      },
    ]
  },
}
