/**
 * Query templates: the SQL with its parameters taken out, so the statements of one call site group
 * together whatever their values. Placeholders `$1`, `?` and `%s` become `?`, a parenthesised list
 * of placeholders after `IN` collapses to `IN (?...)` (so `IN (?)` and `IN (?, ?, ?)` are one
 * template), and repeated all-placeholder row tuples after `VALUES` collapse to the first one
 * followed by `, ...` (bulk inserts of any batch size are one template). Literals and whitespace are
 * left as written. The fingerprint is a short stable hash of the template for dashboards.
 *
 * Unlike the original dorm, which kept `IN (?, ?)` as written, IN-lists collapse here (API.md):
 * otherwise each list length is its own template and the cardinality grows with the data.
 *
 * @example
 * ```ts
 * queryTemplate('SELECT * FROM "a" WHERE "id" = $1 AND x IN ($2, $3) AND z = 5')
 * // 'SELECT * FROM "a" WHERE "id" = ? AND x IN (?...) AND z = 5'
 * templateFingerprint('SELECT 1') // 16 hex digits, the same in every process
 * ```
 */
import { createHash } from 'node:crypto'

const PLACEHOLDER = /\$\d+|%s|\?/g
const IN_LIST = /\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi
const VALUES_ROWS = /\bVALUES\s*(\(\s*\?(?:\s*,\s*\?)*\s*\))(?:\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\))+/gi

/** Templates already computed, by SQL (dorm's own statements repeat; bounded so ad hoc SQL cannot grow it). */
const cache = new Map<string, string>()
const CACHE_LIMIT = 2000

/**
 * The template of a statement: placeholders become `?`, IN-lists collapse to `IN (?...)`, multi-row
 * VALUES of placeholders collapse to `VALUES (?, ?), ...`.
 *
 * @example
 * ```ts
 * queryTemplate('INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)') // 'INSERT INTO t (a, b) VALUES (?, ?), ...'
 * ```
 */
export function queryTemplate(sql: string): string {
  const cached = cache.get(sql)
  if (cached !== undefined) return cached
  const template = sql
    .replace(PLACEHOLDER, '?')
    .replace(IN_LIST, (match) => `${match.slice(0, 2)} (?...)`)
    .replace(VALUES_ROWS, (match, first: string) => `${match.slice(0, 6)} ${first}, ...`)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(sql, template)
  return template
}

/**
 * A short stable id of a template: the first 16 hex digits of its SHA-1, so rollups from different
 * processes and releases join on it.
 *
 * @example
 * ```ts
 * templateFingerprint(queryTemplate(sql)) // e.g. '5f1d3c0a9b2e7d41'
 * ```
 */
export function templateFingerprint(template: string): string {
  return createHash('sha1').update(template).digest('hex').slice(0, 16)
}
