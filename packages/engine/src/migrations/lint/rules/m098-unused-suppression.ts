/** DORM-M098: a `// noqa:` (or `-- noqa:` in SQL) comment that suppresses nothing. */
import type { LintRule, RuleHit } from '../lint-rule.js'
import type { Suppression } from '../suppressions.js'

/**
 * DORM-M098. The linter reports it itself, after every other rule ran on the file.
 *
 * @example
 * ```ts
 * unusedSuppression.code // 'DORM-M098'
 * ```
 */
export const unusedSuppression: LintRule = {
  code: 'DORM-M098',
  name: 'unused-suppression',
  severity: 'warning',
  summary: 'a // noqa: comment suppresses nothing',
}

/**
 * The finding for one code of a stale `// noqa:` comment: `on` is the suppression itself, or
 * whether it covers one operation (true) or the file (false).
 *
 * @example
 * ```ts
 * unusedSuppressionHit('DORM-M003', true).message
 * ```
 */
export function unusedSuppressionHit(code: string, on: boolean | Suppression): RuleHit {
  const inSql = typeof on === 'object' && on.statementLine !== undefined
  const onOperation = typeof on === 'object' ? on.operationIndex !== undefined : on
  const where = inSql ? 'on this statement' : onOperation ? 'on this operation' : 'in this file'
  return {
    message: `unused suppression: \`${inSql ? '--' : '//'} noqa: ${code}\` suppresses nothing — no ${code} finding ${where}.`,
    help: `Remove ${code} from the comment (it would hide a future ${code} finding that nobody reviewed).`,
  }
}
