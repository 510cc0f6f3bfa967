/**
 * `// noqa: DORM-M00X` comments. On a line of its own the comment covers the whole file (as the
 * seed's `# noqa`), unless the next line starts an operation: then, like a comment at the end of
 * an operation's line, it covers that operation only. Codes are comma-separated. A suppression
 * that suppresses nothing is itself a finding (DORM-M098), so stale ones do not pile up.
 */
import type { SourceLocations } from './source-locations.js'

const NOQA = /\/\/\s*noqa:\s*([A-Za-z0-9, -]+)/i

/** One `// noqa:` comment. */
export interface Suppression {
  /** 1-based line and column of the comment. */
  readonly line: number
  readonly column: number
  /** Upper-cased codes it names. */
  readonly codes: readonly string[]
  /** The operation it covers (index in `operations`), or undefined for the whole file. */
  readonly operationIndex: number | undefined
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
    const match = NOQA.exec(content)
    if (match === null) return
    const line = i + 1
    const codes = (match[1] as string)
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== '')
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

  /** Whether `code` is suppressed for operation `operationIndex` (undefined: a finding about the file). */
  suppresses(code: string, operationIndex: number | undefined): boolean {
    let hit = false
    this.#suppressions.forEach((s, i) => {
      if (!s.codes.includes(code)) return
      if (s.operationIndex !== undefined && s.operationIndex !== operationIndex) return
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
