import type { Vendor } from '../backends/base/base-connection.js'

/** Where SQL differs between vendors, the compiler asks the dialect. */
export interface Dialect {
  readonly vendor: Vendor
  /** `"name"` with embedded quotes doubled. */
  quote(identifier: string): string
  /** The placeholder of the n-th (1-based) parameter: `$1` or `?`. */
  placeholder(index: number): string
  /** PostgreSQL binds a whole array to `= ANY($1)`, so `in` keeps one shape whatever the list length. */
  readonly arrayParams: boolean
  /** Case-sensitive pattern match; `pattern` is the placeholder of the already-escaped value. */
  like(lhs: string, pattern: string): string
  /** Case-insensitive pattern match. */
  ilike(lhs: string, pattern: string): string
  /** Case-insensitive equality. */
  iexact(lhs: string, rhs: string): string
  /** How a `contains` / `startswith` value becomes a pattern for {@link like}. */
  likePattern(value: string, where: 'contains' | 'startswith' | 'endswith'): string
  /** How a value becomes a pattern for {@link ilike} / {@link iexact}. */
  ilikePattern(value: string, where: 'contains' | 'startswith' | 'endswith' | 'exact'): string
  regex(lhs: string, rhs: string, insensitive: boolean): string
  /** An integer date part of a date/time expression. */
  extract(part: 'year' | 'month' | 'day', lhs: string): string
  /** The date (YYYY-MM-DD) of a timestamp expression. */
  dateOf(lhs: string): string
  /** `FOR UPDATE ...` or '' where row locks do not exist. */
  forUpdate(options: { skipLocked?: boolean; noWait?: boolean; of?: readonly string[] }): string
  /** The EXPLAIN statement for `sql`. */
  explain(sql: string, options: { analyze?: boolean }): string
  /** `RETURNING` support on INSERT/UPDATE/DELETE. */
  readonly returning: boolean
  /** How `ignoreConflicts` inserts are spelled. */
  insertIgnore(insert: string): string
  /** A value the driver can bind for a boolean literal. */
  readonly trueLiteral: string
}

/** Escapes LIKE wildcards and the escape character itself with a backslash. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}
