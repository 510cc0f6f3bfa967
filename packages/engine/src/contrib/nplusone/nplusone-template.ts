/**
 * The N+1 detector's own normalisation (the original dorm's, different from the query log's):
 * string literals (`'...'`, and `X'..'`, `B'..'`, `E'..'`), hex literals and numbers (with a sign
 * and exponent) become `?` unless glued to a word character, so `$1` becomes `$?` while `%s` and
 * `?` stay; `NULL` becomes `?`; runs of whitespace collapse to one space.
 *
 * @example
 * ```ts
 * nplusoneTemplate('SELECT * FROM "books" WHERE "id" = $1 AND x = 42 AND y IS NULL')
 * // 'SELECT * FROM "books" WHERE "id" = $? AND x = ? AND y IS ?'
 * ```
 */

const PREFIXED_STRING = /(?<![A-Za-z_0-9])[xXbBeE]'(?:[^']|'')*'/g
const STRING = /'(?:[^']|'')*'/g
const HEX = /(?<![A-Za-z_0-9])0[xX][0-9a-fA-F]+/g
const NUMBER = /(?<![A-Za-z_0-9])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g
const NULL = /\bNULL\b/gi
const WHITESPACE = /\s+/g

/** Statements the detector never counts: DDL and transaction control. */
const SKIPPED = /\b(?:CREATE\s+TABLE|DROP\s+TABLE|ALTER\s+TABLE|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i

/**
 * The template the detector groups statements by.
 *
 * @example
 * ```ts
 * nplusoneTemplate("SELECT * FROM t WHERE name = 'it''s'  AND n = -1.5e3") // 'SELECT * FROM t WHERE name = ? AND n = ?'
 * ```
 */
export function nplusoneTemplate(sql: string): string {
  return sql
    .replace(PREFIXED_STRING, '?')
    .replace(STRING, '?')
    .replace(HEX, '?')
    .replace(NUMBER, '?')
    .replace(NULL, '?')
    .replace(WHITESPACE, ' ')
    .trim()
}

/**
 * True for DDL and transaction statements (CREATE/DROP/ALTER TABLE, PRAGMA, BEGIN, COMMIT, ROLLBACK,
 * SAVEPOINT, RELEASE), which the detector skips.
 *
 * @example
 * ```ts
 * isSkippedStatement('SAVEPOINT "s1"') // true
 * ```
 */
export function isSkippedStatement(sql: string): boolean {
  return SKIPPED.test(sql)
}
