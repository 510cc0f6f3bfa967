/** `--format github`: GitHub Actions workflow commands, one annotation per finding. */
import type { FindingJson } from '../finding.js'

/** Escapes a workflow command's message as the runner expects (`%`, CR and LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow command property value (also `:` and `,`, which delimit properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * `::warning file=...,line=...,col=...,title=DORM-M001::message%0Ahelp` per finding (`::error`
 * for error-severity rules), then `N finding(s).`; `No issues found.` when clean.
 *
 * @example
 * ```ts
 * process.stdout.write(formatGithub(findings))
 * ```
 */
export function formatGithub(findings: readonly FindingJson[]): string {
  if (findings.length === 0) return 'No issues found.\n'
  const lines = findings.map((f) => {
    const properties = [
      `file=${escapeProperty(f.file)}`,
      `line=${f.line}`,
      `col=${f.column}`,
      `title=${escapeProperty(f.code)}`,
    ]
    return `::${f.severity} ${properties.join(',')}::${escapeData(`${f.message}\n${f.help}`)}`
  })
  lines.push(`${findings.length} finding(s).`)
  return `${lines.join('\n')}\n`
}
