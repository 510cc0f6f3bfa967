/**
 * What a statement does and to which table, read from its SQL text: the operation is the leading
 * verb (after comments, whitespace and opening parentheses), the table is the first target of
 * FROM, INTO, UPDATE or COPY, unquoted, with its schema kept (`"public"."books"` -> `public.books`).
 * A target at the outermost level wins over one inside parentheses, so `EXTRACT(YEAR FROM "col")`
 * in a select list does not hide the table of the outer FROM, while `SELECT COUNT(*) FROM (SELECT
 * ... FROM "books") s` still names `books`.
 *
 * Tracing (span names) and metrics (operation labels) share it. Results are cached per SQL text:
 * the ORM sends a small set of statement shapes over and over.
 */

/** The operation and table of one statement; null when the SQL does not say. */
export interface SqlSummary {
  /** The leading verb, upper-cased: SELECT, INSERT, UPDATE, DELETE, WITH, BEGIN, ... */
  readonly operation: string | null
  /** The first FROM / INTO / UPDATE / COPY target, unquoted, schema-qualified when the SQL is. */
  readonly table: string | null
}

const TARGET_KEYWORDS = new Set(['FROM', 'INTO', 'UPDATE', 'COPY'])
/** Words that may stand between a target keyword and its table (`DELETE FROM ONLY t`). */
const SKIPPED_AFTER_KEYWORD = new Set(['ONLY'])
const CACHE_LIMIT = 2000
/** Longer SQL (bulk inserts) is summarised every time rather than kept as a cache key. */
const CACHEABLE_LENGTH = 4096
/** Only this much of the text is read: the verb and the first target come early. */
const SCANNED_LENGTH = 8192
const EMPTY: SqlSummary = Object.freeze({ operation: null, table: null })

const cache = new Map<string, SqlSummary>()

type Token =
  | { kind: 'word'; text: string; depth: number }
  | { kind: 'quoted'; text: string; depth: number }
  | { kind: 'dot' | 'other'; depth: number }

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36
}

/** Index just past a quoted run starting at `start` (`quote` doubled inside means itself). */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return sql.length
}

/** Splits SQL into words, quoted identifiers, dots and other marks, skipping comments and string literals. */
function* tokens(sql: string): Generator<Token> {
  let depth = 0
  let i = 0
  while (i < sql.length) {
    const ch = sql[i] as string
    const code = ch.charCodeAt(0)
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end + 1
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 2
    } else if (ch === "'") {
      i = skipQuoted(sql, i, "'")
      yield { kind: 'other', depth }
    } else if (ch === '"' || ch === '`') {
      const end = skipQuoted(sql, i, ch)
      yield { kind: 'quoted', text: sql.slice(i + 1, end - 1).replaceAll(ch + ch, ch), depth }
      i = end
    } else if (isWordStart(code)) {
      let end = i + 1
      while (end < sql.length && isWordPart(sql.charCodeAt(end))) end++
      yield { kind: 'word', text: sql.slice(i, end), depth }
      i = end
    } else if (ch === '.') {
      yield { kind: 'dot', depth }
      i++
    } else if (ch === '(') {
      depth++
      i++
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1)
      i++
    } else if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      i++
    } else {
      yield { kind: 'other', depth }
      i++
    }
  }
}

function isName(token: Token | undefined): token is Extract<Token, { text: string }> {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted')
}

/**
 * Reads `name(.name)*` starting at `list[start]`, at the keyword's parenthesis depth; null when no
 * name starts there (`FROM (SELECT ...)`).
 */
function qualifiedName(list: readonly Token[], start: number, depth: number): string | null {
  let index = start
  let token = list[index]
  if (token?.kind === 'word' && SKIPPED_AFTER_KEYWORD.has(token.text.toUpperCase())) token = list[++index]
  if (!isName(token) || token.depth !== depth) return null
  const parts = [token.text]
  while (list[index + 1]?.kind === 'dot' && isName(list[index + 2])) {
    parts.push((list[index + 2] as Extract<Token, { text: string }>).text)
    index += 2
  }
  return parts.join('.')
}

function summarize(sql: string): SqlSummary {
  const list = [...tokens(sql.length > SCANNED_LENGTH ? sql.slice(0, SCANNED_LENGTH) : sql)]
  const first = list[0]
  const operation = first?.kind === 'word' ? first.text.toUpperCase() : null
  let table: string | null = null
  let tableDepth = Number.POSITIVE_INFINITY
  for (let i = 0; i < list.length; i++) {
    const token = list[i] as Token
    if (token.kind !== 'word' || token.depth >= tableDepth) continue
    if (!TARGET_KEYWORDS.has(token.text.toUpperCase())) continue
    const name = qualifiedName(list, i + 1, token.depth)
    if (name === null) continue
    table = name
    tableDepth = token.depth
    if (tableDepth === 0) break
  }
  if (operation === null && table === null) return EMPTY
  return Object.freeze({ operation, table })
}

/**
 * The operation and table of `sql` (cached per SQL text).
 *
 * @example
 * ```ts
 * summarizeSql('SELECT "b"."id" FROM "library_book" "b" WHERE "b"."id" = $1')
 * // { operation: 'SELECT', table: 'library_book' }
 * summarizeSql('-- nightly report\ninsert into public.orders (id) values (?)')
 * // { operation: 'INSERT', table: 'public.orders' }
 * summarizeSql('BEGIN') // { operation: 'BEGIN', table: null }
 * ```
 */
export function summarizeSql(sql: string): SqlSummary {
  const cached = cache.get(sql)
  if (cached !== undefined) return cached
  const summary = summarize(sql)
  if (sql.length > CACHEABLE_LENGTH) return summary
  // long-running apps with ad hoc SQL: start over rather than grow without bound
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(sql, summary)
  return summary
}
