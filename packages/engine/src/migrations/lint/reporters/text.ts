/** `--format text`: the seed's output, line for line. */
import type { FindingJson } from '../finding.js'

/**
 * `DORM-M001 <file>: <message>` and `    op: <repr>` per finding, a blank line, `N finding(s).`;
 * `No issues found.` when clean. Ends with a newline.
 *
 * @example
 * ```ts
 * formatText([]) // 'No issues found.\n'
 * ```
 */
export function formatText(findings: readonly FindingJson[]): string {
  if (findings.length === 0) return 'No issues found.\n'
  const lines: string[] = []
  for (const f of findings) lines.push(`${f.code} ${f.file}: ${f.message}`, `    op: ${f.operation}`)
  lines.push('', `${findings.length} finding(s).`)
  return `${lines.join('\n')}\n`
}
