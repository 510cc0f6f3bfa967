/** DORM-M099: a RunSQL string PostgreSQL's parser refuses. */
import type { LintRule, RuleHit } from '../lint-rule.js'

/**
 * DORM-M099. The linter reports it itself while splitting a RunSQL into statements; the rules
 * cannot see inside such a string.
 *
 * @example
 * ```ts
 * unparsableSql.code // 'DORM-M099'
 * ```
 */
export const unparsableSql: LintRule = {
  code: 'DORM-M099',
  name: 'unparsable-sql',
  severity: 'error',
  summary: 'RunSQL could not be parsed by the PostgreSQL parser',
}

/**
 * The finding for a SQL string that failed to parse.
 *
 * @example
 * ```ts
 * unparsableSqlHit('syntax error at or near "SELEC"').message
 * // 'RunSQL could not be parsed: syntax error at or near "SELEC".'
 * ```
 */
export function unparsableSqlHit(parserMessage: string): RuleHit {
  return {
    message: `RunSQL could not be parsed: ${parserMessage}.`,
    help:
      'Fix the SQL (PostgreSQL 15 grammar). If it is meant for another database, lint it there; its statements ' +
      'were not checked.',
  }
}
