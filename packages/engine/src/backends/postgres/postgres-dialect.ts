import { type Dialect, escapeLike } from '../../query/dialect.js'

/**
 * PostgreSQL's SQL dialect.
 *
 * @example
 * ```ts
 * postgresDialect.placeholder(2) // '$2'
 * ```
 */
export const postgresDialect: Dialect = {
  vendor: 'postgresql',
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  arrayParams: true,
  like: (lhs, pattern) => `${lhs}::text LIKE ${pattern}`,
  ilike: (lhs, pattern) => `${lhs}::text ILIKE ${pattern}`,
  iexact: (lhs, rhs) => `UPPER(${lhs}::text) = UPPER(${rhs})`,
  likePattern(value, where) {
    const escaped = escapeLike(value)
    return where === 'contains' ? `%${escaped}%` : where === 'startswith' ? `${escaped}%` : `%${escaped}`
  },
  ilikePattern(value, where) {
    if (where === 'exact') return value
    return postgresDialect.likePattern(value, where)
  },
  regex: (lhs, rhs, insensitive) => `${lhs}::text ${insensitive ? '~*' : '~'} ${rhs}`,
  extract: (part, lhs) => `EXTRACT(${part.toUpperCase()} FROM ${lhs})::integer`,
  dateOf: (lhs) => `(${lhs})::date`,
  forUpdate({ skipLocked, noWait, of }) {
    const ofClause = of && of.length > 0 ? ` OF ${of.join(', ')}` : ''
    return ` FOR UPDATE${ofClause}${skipLocked ? ' SKIP LOCKED' : noWait ? ' NOWAIT' : ''}`
  },
  explain: (sql, { analyze }) => `EXPLAIN ${analyze ? '(ANALYZE, BUFFERS) ' : ''}${sql}`,
  returning: true,
  insertIgnore: (insert) => `${insert} ON CONFLICT DO NOTHING`,
  trueLiteral: 'TRUE',
}
