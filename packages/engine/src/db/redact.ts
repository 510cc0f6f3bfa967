/**
 * Masks the params of a statement that are bound to sensitive columns, for DEBUG query logs and
 * for the `params` carried by errors. Signals still get the raw params (documented).
 */

/** The value that replaces a sensitive param. */
export const REDACTED = '***'

const DEFAULT_PATTERNS = [
  'password',
  'passwd',
  'secret',
  'token',
  'api_key',
  'apikey',
  'authorization',
  'auth_token',
  'access_key',
  'private_key',
]

let patterns: string[] = [...DEFAULT_PATTERNS]

/**
 * Adds column-name fragments whose params are masked in logs (matched case-insensitively as
 * substrings, so `ssn` also masks `customer_ssn`).
 *
 * @example
 * ```ts
 * addSensitiveColumnPatterns('ssn', 'iban')
 * ```
 */
export function addSensitiveColumnPatterns(...more: string[]): void {
  for (const p of more) {
    const lower = p.toLowerCase()
    if (lower && !patterns.includes(lower)) patterns.push(lower)
  }
}

/** The fragments currently masked. */
export function sensitiveColumnPatterns(): readonly string[] {
  return patterns
}

/** Back to the built-in list (tests). */
export function resetSensitiveColumnPatterns(): void {
  patterns = [...DEFAULT_PATTERNS]
}

function isSensitive(column: string): boolean {
  const lower = column.toLowerCase()
  return patterns.some((p) => lower.includes(p))
}

// `col = $1`, `"col" <> ?`, `t.col LIKE $2` ...
const COMPARISON =
  /(?:["`[]?)([A-Za-z_][\w$]*)(?:["`\]]?)\s*(?:=|<>|!=|<=|>=|<|>|\bI?LIKE\b|\bIN\b\s*\()\s*(\$\d+|\?|:\w+)/gi
const INSERT = /\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[^\s(]+\s*\(([^)]*)\)\s*VALUES\s*/i

/** Positions of `?` placeholders outside quoted strings, in order. */
function questionMarkOffsets(sql: string): number[] {
  const offsets: number[] = []
  let quote: string | undefined
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]
    if (quote !== undefined) {
      if (ch === quote) quote = undefined
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '?') offsets.push(i)
  }
  return offsets
}

function placeholderIndex(token: string, offset: number, qmarks: number[]): number | undefined {
  if (token.startsWith('$')) return Number(token.slice(1)) - 1
  if (token === '?') {
    const i = qmarks.indexOf(offset)
    return i >= 0 ? i : undefined
  }
  return undefined
}

/** Indexes of the params bound to sensitive columns in `sql`. */
function sensitiveIndexes(sql: string): Set<number> {
  const found = new Set<number>()
  let qmarks: number[] | undefined
  const qmarksOf = () => {
    qmarks ??= questionMarkOffsets(sql)
    return qmarks
  }
  for (const match of sql.matchAll(COMPARISON)) {
    const [whole, column, token] = match as unknown as [string, string, string]
    if (!isSensitive(column)) continue
    const offset = (match.index ?? 0) + whole.length - token.length
    const index = placeholderIndex(token, offset, token === '?' ? qmarksOf() : [])
    if (index !== undefined) found.add(index)
  }
  const insert = INSERT.exec(sql)
  if (insert) {
    const columns = (insert[1] as string).split(',').map((c) => c.trim().replace(/^["`[]|["`\]]$/g, ''))
    if (columns.some(isSensitive)) markInsertValues(sql, insert.index + insert[0].length, columns, found, qmarksOf)
  }
  return found
}

function markInsertValues(
  sql: string,
  start: number,
  columns: string[],
  found: Set<number>,
  qmarksOf: () => number[],
): void {
  // walk the VALUES tuples: position inside a tuple tells the column
  let depth = 0
  let column = 0
  const placeholder = /\$\d+|\?/y
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i]
    if (ch === '(') {
      depth++
      if (depth === 1) column = 0
    } else if (ch === ')') {
      depth--
      if (depth === 0 && sql.slice(i + 1).trimStart()[0] !== ',') return
    } else if (ch === ',' && depth === 1) column++
    else if (depth >= 1 && (ch === '$' || ch === '?')) {
      placeholder.lastIndex = i
      const m = placeholder.exec(sql)
      if (!m) continue
      const name = columns[column]
      if (name !== undefined && isSensitive(name)) {
        const index = placeholderIndex(m[0], i, m[0] === '?' ? qmarksOf() : [])
        if (index !== undefined) found.add(index)
      }
      i += m[0].length - 1
    }
  }
}

/**
 * A copy of `params` with values bound to sensitive columns replaced by `'***'`.
 *
 * @example
 * ```ts
 * redactParams('UPDATE users SET password = $1 WHERE id = $2', ['hunter2', 7]) // ['***', 7]
 * ```
 */
export function redactParams(sql: string, params: readonly unknown[]): unknown[] {
  if (params.length === 0) return []
  const indexes = sensitiveIndexes(sql)
  if (indexes.size === 0) return [...params]
  return params.map((value, i) => (indexes.has(i) ? REDACTED : value))
}

// `Key (password)=(hunter2) already exists.`, `Key (a, b)=(1, x) is not present in table "t".`
const KEY_DETAIL = /^Key \((.+?)\)=\((.*)\)((?: [^)]*)?)$/s
// `Failing row contains (1, alice, hunter2).`: every column of the row, named or not in the SQL
const FAILING_ROW = /^Failing row contains \(.*\)\.?$/s

/**
 * A database error's DETAIL with the values it echoes hidden where they may be secrets: the key
 * values of a unique or foreign-key violation when a key column is sensitive, and always the row of
 * a NOT NULL or CHECK violation (it holds every column, secrets included, whatever the statement
 * named). The constraint and column names stay.
 *
 * @example
 * ```ts
 * redactErrorDetail('Key (password)=(hunter2) already exists.') // 'Key (password)=(***) already exists.'
 * redactErrorDetail('Key (email)=(a@b.c) already exists.') // unchanged
 * ```
 */
export function redactErrorDetail(detail: string): string {
  const key = KEY_DETAIL.exec(detail)
  if (key !== null) {
    const columns = (key[1] as string).split(',').map((column) => column.trim().replace(/^"|"$/g, ''))
    return columns.some(isSensitive) ? `Key (${key[1]})=(${REDACTED})${key[3]}` : detail
  }
  if (FAILING_ROW.test(detail))
    return `Failing row contains (${REDACTED}): the values are hidden, they may hold secrets.`
  return detail
}
