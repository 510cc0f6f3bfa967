import { type Dialect, escapeLike } from '../../query/dialect.js'

/** Escapes GLOB's wildcards by wrapping each in a character class. */
function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, (ch) => `[${ch}]`)
}

/**
 * SQLite's SQL dialect (libsql reuses it). Case-sensitive `contains`/`startswith`/`endswith` use
 * GLOB, because SQLite's LIKE ignores ASCII case; the case-insensitive lookups use LIKE with a
 * backslash escape.
 *
 * @example
 * ```ts
 * sqliteDialect.placeholder(2) // '?'
 * ```
 */
export const sqliteDialect: Dialect = {
  vendor: 'sqlite',
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  placeholder: () => '?',
  arrayParams: false,
  like: (lhs, pattern) => `${lhs} GLOB ${pattern}`,
  ilike: (lhs, pattern) => `${lhs} LIKE ${pattern} ESCAPE '\\'`,
  iexact: (lhs, rhs) => `${lhs} LIKE ${rhs} ESCAPE '\\'`,
  likePattern(value, where) {
    const escaped = escapeGlob(value)
    return where === 'contains' ? `*${escaped}*` : where === 'startswith' ? `${escaped}*` : `*${escaped}`
  },
  ilikePattern(value, where) {
    const escaped = escapeLike(value)
    if (where === 'exact') return escaped
    return where === 'contains' ? `%${escaped}%` : where === 'startswith' ? `${escaped}%` : `%${escaped}`
  },
  regex: (lhs, rhs, insensitive) => (insensitive ? `${lhs} REGEXP '(?i)' || ${rhs}` : `${lhs} REGEXP ${rhs}`),
  extract: (part, lhs) =>
    `CAST(strftime('${part === 'year' ? '%Y' : part === 'month' ? '%m' : '%d'}', ${lhs}) AS INTEGER)`,
  dateOf: (lhs) => `date(${lhs})`,
  forUpdate: () => '',
  explain: (sql) => `EXPLAIN QUERY PLAN ${sql}`,
  returning: true,
  insertIgnore: (insert) => insert.replace(/^INSERT /, 'INSERT OR IGNORE '),
  trueLiteral: '1',
}

/**
 * The same dialect under libsql's vendor name. libsql ships its own REGEXP, which has no `(?i)`
 * flag, so `iregex` lower-cases both sides there (fine for literal text, not for classes like `\D`).
 */
export const libsqlDialect: Dialect = {
  ...sqliteDialect,
  vendor: 'libsql',
  regex: (lhs, rhs, insensitive) => (insensitive ? `lower(${lhs}) REGEXP lower(${rhs})` : `${lhs} REGEXP ${rhs}`),
}
