/** DORM-M000: the migration file failed to load, so nothing in it was checked. */
import { describeError } from '../../../errors.js'
import type { LintRule, RuleHit } from '../lint-rule.js'

/**
 * DORM-M000. The linter reports it itself (a file that throws has no operations to check); the
 * entry here gives it a name, a severity and a docs page like every other code.
 *
 * @example
 * ```ts
 * importError.code // 'DORM-M000'
 * ```
 */
export const importError: LintRule = {
  code: 'DORM-M000',
  name: 'import-error',
  severity: 'error',
  summary: 'the migration file failed to load, so it was not checked',
}

/**
 * The finding for a file whose import threw (or that exports no `migration({...})`).
 *
 * @example
 * ```ts
 * importErrorHit(new SyntaxError('Unexpected token')).message
 * // 'Could not import migration: SyntaxError: Unexpected token'
 * ```
 */
export function importErrorHit(error: unknown): RuleHit {
  return {
    message: `Could not import migration: ${describeError(error)}`,
    help:
      'Fix the error so the file loads (`dorm migrate` would fail on it too); the linter checks the file again ' +
      'once it imports.',
  }
}
