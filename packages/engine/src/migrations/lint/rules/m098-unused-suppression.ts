/** DORM-M098: a `// noqa:` comment that suppresses nothing. */
import type { LintRule, RuleHit } from '../lint-rule.js'

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
 * The finding for one code of a stale `// noqa:` comment.
 *
 * @example
 * ```ts
 * unusedSuppressionHit('DORM-M003', true).message
 * ```
 */
export function unusedSuppressionHit(code: string, onOperation: boolean): RuleHit {
  return {
    message: `unused suppression: \`// noqa: ${code}\` suppresses nothing — no ${code} finding ${onOperation ? 'on this operation' : 'in this file'}.`,
    help: `Remove ${code} from the comment (it would hide a future ${code} finding that nobody reviewed).`,
  }
}
