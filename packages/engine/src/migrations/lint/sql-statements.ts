/**
 * Splits a RunSQL's SQL into statements with PostgreSQL's own parser (libpg-query: PostgreSQL 15's
 * parser compiled to WASM), so rules look at parse trees instead of guessing with regexes, and
 * each statement knows its line.
 */
import type { SqlStatement } from './lint-rule.js'

/** A SQL string PostgreSQL's parser refused. */
export interface SqlParseError {
  /** The parser's message (`syntax error at or near "SELEC"`). */
  readonly message: string
  /** Which of the RunSQL's sql strings (0-based). */
  readonly stringIndex: number
  /** Line offset of the error from the first sql string's first line, like {@link SqlStatement.lineOffset}. */
  readonly lineOffset: number
}

/** The statements of a RunSQL, and the strings that failed to parse. */
export interface SplitSql {
  readonly statements: readonly SqlStatement[]
  readonly errors: readonly SqlParseError[]
}

interface RawStatement {
  stmt?: Record<string, unknown>
  stmt_location?: number
  stmt_len?: number
}

interface PgQuery {
  loadModule(): Promise<void>
  parseSync(sql: string): { stmts?: RawStatement[] }
}

let parser: Promise<PgQuery> | undefined

async function loadParser(): Promise<PgQuery> {
  // the WASM module loads on first use: only RunSQL needs it
  parser ??= import('libpg-query').then(async (m) => {
    const pkg = ((m as { default?: PgQuery }).default ?? m) as PgQuery
    await pkg.loadModule()
    return pkg
  })
  return parser
}

function countNewlines(text: string): number {
  let n = 0
  for (const ch of text) if (ch === '\n') n++
  return n
}

/** Whitespace and `--` / `/* *\/` comments before a statement's first token: the parser counts them in. */
function leadingTrivia(text: string): number {
  const match = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(text)
  return match === null ? 0 : match[0].length
}

/**
 * Parses every SQL string of a RunSQL. `literalLines` are the source lines where each string
 * starts (from {@link locateOperations}); with them, statement line offsets follow the source
 * even when the strings sit apart; without them strings are counted as if joined by a newline.
 *
 * @example
 * ```ts
 * const { statements } = await splitSql(['ALTER TABLE shop_order DROP COLUMN note;\nTRUNCATE shop_log'])
 * statements[1] // { sql: 'TRUNCATE shop_log', node: { TruncateStmt: {...} }, index: 1, lineOffset: 1 }
 * ```
 */
export async function splitSql(sqls: readonly string[], literalLines: readonly number[] = []): Promise<SplitSql> {
  const pg = await loadParser()
  const statements: SqlStatement[] = []
  const errors: SqlParseError[] = []
  const useLiteralLines = literalLines.length === sqls.length && literalLines.length > 0
  let runningOffset = 0
  sqls.forEach((sql, stringIndex) => {
    const base = useLiteralLines ? (literalLines[stringIndex] as number) - (literalLines[0] as number) : runningOffset
    runningOffset += countNewlines(sql) + 1
    if (sql.trim() === '') return
    let parsed: { stmts?: RawStatement[] }
    try {
      parsed = pg.parseSync(sql)
    } catch (err) {
      const details = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails
      const bytes = Buffer.from(sql, 'utf8')
      const cursor = Math.max(0, Math.min(bytes.length, details?.cursorPosition ?? 0))
      errors.push({
        message: err instanceof Error ? err.message : String(err),
        stringIndex,
        lineOffset: base + countNewlines(bytes.subarray(0, cursor).toString('utf8')),
      })
      return
    }
    // locations are byte offsets into the UTF-8 text; a missing location is 0, a missing length "to the end"
    const bytes = Buffer.from(sql, 'utf8')
    for (const raw of parsed.stmts ?? []) {
      const start = raw.stmt_location ?? 0
      const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? bytes.length : start + raw.stmt_len
      const text = bytes.subarray(start, end).toString('utf8')
      const before = bytes.subarray(0, start).toString('utf8')
      const trivia = leadingTrivia(text)
      statements.push({
        sql: text.slice(trivia).trimEnd(),
        node: raw.stmt ?? {},
        index: statements.length,
        lineOffset: base + countNewlines(before) + countNewlines(text.slice(0, trivia)),
      })
    }
  })
  return { statements, errors }
}
