/**
 * `// noqa: DORM-M00X` comments. On a line of its own the comment covers the whole file (as the
 * seed's `# noqa`), unless the next line starts an operation: then, like a comment at the end of
 * an operation's line, it covers that operation only. Inside a RunSQL's SQL, `-- noqa: DORM-M00X`
 * covers the statement that starts on its line or on the next one. Codes are comma-separated. A
 * suppression that suppresses nothing is itself a finding (DORM-M098), so stale ones do not pile up.
 */
import type { SourceLocations } from './source-locations.js'

const NOQA = /\/\/\s*noqa:\s*([A-Za-z0-9, -]+)/i
/** `-- noqa: DORM-M0NN` inside SQL text (the code list ends at a quote, a backtick or the end of the line). */
const SQL_NOQA = /--\s*noqa:\s*([A-Za-z]+-[A-Za-z]*\d+(?:\s*,\s*[A-Za-z]+-[A-Za-z]*\d+)*)/i

/** One `// noqa:` comment. */
export interface Suppression {
  /** 1-based line and column of the comment. */
  readonly line: number
  readonly column: number
  /** Upper-cased codes it names. */
  readonly codes: readonly string[]
  /** The operation it covers (index in `operations`), or undefined for the whole file. */
  readonly operationIndex: number | undefined
  /**
   * For a `-- noqa:` in SQL: the line of the comment; it covers the findings of the operation's
   * statements that start on this line or the next.
   */
  readonly statementLine?: number
}

function codesOf(list: string): string[] {
  return list
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '')
}

/**
 * Finds the `// noqa:` comments of a migration's source and what each covers.
 *
 * @example
 * ```ts
 * parseSuppressions('// noqa: DORM-M003\nexport default migration({ ... })', { operations: [] })
 * // [{ line: 1, column: 1, codes: ['DORM-M003'], operationIndex: undefined }]
 * ```
 */
export function parseSuppressions(text: string, locations: SourceLocations): Suppression[] {
  const out: Suppression[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((content, i) => {
    const line = i + 1
    const sql = SQL_NOQA.exec(content)
    if (sql !== null) {
      // SQL sits inside an operation (a RunSQL): a comment anywhere else is no SQL suppression
      const containing = locations.operations.findIndex((op) => op.line <= line && line <= op.endLine)
      const codes = codesOf(sql[1] as string)
      if (containing !== -1 && codes.length > 0) {
        out.push({ line, column: sql.index + 1, codes, operationIndex: containing, statementLine: line })
      }
    }
    const match = NOQA.exec(content)
    if (match === null) return
    const codes = codesOf(match[1] as string)
    if (codes.length === 0) return
    const ownLine = content.slice(0, match.index).trim() === ''
    let operationIndex: number | undefined
    if (ownLine) {
      const next = locations.operations.findIndex((op) => op.line === line + 1)
      operationIndex = next === -1 ? undefined : next
    } else {
      const containing = locations.operations.findIndex((op) => op.line <= line && line <= op.endLine)
      // a trailing comment outside any operation (after `migration({`) still means the file
      operationIndex = containing === -1 ? undefined : containing
    }
    out.push({ line, column: match.index + 1, codes, operationIndex })
  })
  return out
}

/**
 * The suppressions of one file, remembering which were used.
 *
 * @example
 * ```ts
 * const set = new SuppressionSet(parseSuppressions(text, locations))
 * if (!set.suppresses('DORM-M001', 0)) report()
 * set.unused(new Set(['DORM-M001'])) // the comments that matched nothing
 * ```
 */
export class SuppressionSet {
  readonly #suppressions: readonly Suppression[]
  readonly #used = new Set<string>()

  constructor(suppressions: readonly Suppression[]) {
    this.#suppressions = suppressions
  }

  /**
   * Whether `code` is suppressed for operation `operationIndex` (undefined: a finding about the
   * file); `line` is the line of a RunSQL statement's finding, which `-- noqa:` in SQL can cover.
   */
  suppresses(code: string, operationIndex: number | undefined, line?: number): boolean {
    let hit = false
    this.#suppressions.forEach((s, i) => {
      if (!s.codes.includes(code)) return
      if (s.operationIndex !== undefined && s.operationIndex !== operationIndex) return
      const statement = s.statementLine
      if (statement !== undefined && (line === undefined || line < statement || line > statement + 1)) return
      this.#used.add(`${i}:${code}`)
      hit = true
    })
    return hit
  }

  /**
   * Codes of suppressions that matched no finding. Only codes of rules that ran (`checked`) or of
   * no known rule (`known`) count: a `--rule` filter must not make the others look stale.
   */
  unused(checked: ReadonlySet<string>, known: ReadonlySet<string>): { suppression: Suppression; code: string }[] {
    const out: { suppression: Suppression; code: string }[] = []
    this.#suppressions.forEach((suppression, i) => {
      for (const code of suppression.codes) {
        if (this.#used.has(`${i}:${code}`)) continue
        if (checked.has(code) || !known.has(code)) out.push({ suppression, code })
      }
    })
    return out
  }
}
