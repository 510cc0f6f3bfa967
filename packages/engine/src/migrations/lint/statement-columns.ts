/**
 * Columns of RunSQL statements in the migration's source, so a finding about the third statement
 * of a one-line `sql: 'A; B; C'` points at C, not at `new RunSQL(`. The statement's text is looked
 * up on its source line (as written in the string literal: quotes and backslashes may be escaped
 * there), left to right, so repeated statements on one line get their own columns.
 */

/** Where one statement starts: its 1-based source line and its text. */
export interface StatementStart {
  readonly line: number | undefined
  readonly sql: string
}

/** How the first characters of `sql` may look inside a TypeScript string literal. */
function spellings(sql: string): string[] {
  const firstLine = (sql.split('\n')[0] ?? '').trimEnd()
  const head = firstLine.slice(0, 40)
  const escaped = head.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/"/g, '\\"').replace(/`/g, '\\`')
  const forms = [head, escaped, head.replace(/'/g, "\\'"), head.replace(/"/g, '\\"')]
  // the shortest recognisable prefix still finds a statement whose literal escapes something later on
  const word = /^\S+(?:\s+\S+)?/.exec(head)?.[0]
  if (word !== undefined) forms.push(word)
  return [...new Set(forms.filter((f) => f !== ''))]
}

/**
 * The 1-based column of each statement on its source line, or undefined where the line is unknown
 * or does not show the statement's text. Statements are searched left to right per line.
 *
 * @example
 * ```ts
 * statementColumns(["    new RunSQL({ sql: 'SELECT 1; SELECT 2' }),"], [
 *   { line: 1, sql: 'SELECT 1' },
 *   { line: 1, sql: 'SELECT 2' },
 * ]) // [27, 37]
 * ```
 */
export function statementColumns(
  lines: readonly string[],
  statements: readonly StatementStart[],
): (number | undefined)[] {
  const cursor = new Map<number, number>()
  return statements.map(({ line, sql }) => {
    if (line === undefined) return undefined
    const text = lines[line - 1]
    if (text === undefined) return undefined
    const from = cursor.get(line) ?? 0
    for (const form of spellings(sql)) {
      const at = text.indexOf(form, from)
      if (at !== -1) {
        cursor.set(line, at + form.length)
        return at + 1
      }
    }
    return undefined
  })
}
