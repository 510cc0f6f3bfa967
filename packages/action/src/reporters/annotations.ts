/**
 * One workflow-command annotation per finding, at the migration file, line and column of the
 * operation, titled with the rule code. GitHub shows at most 10 error and 10 warning annotations
 * per step, so findings come in priority order (lines the pull request changed first) and the
 * rest are counted for the summary; the SARIF output carries all of them.
 */
import type { LintFinding } from '../report.js'

/** GitHub's limit of annotations of one level per step. */
export const ANNOTATIONS_PER_LEVEL = 10

/** Escapes a workflow command's message (`%`, CR and LF). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow command property (also `:` and `,`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * `::warning file=...,line=...,col=...,title=DORM-M003::message%0Ahelp%0ADocs: url` (`::error` for
 * error-severity rules).
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatAnnotation(finding)}\n`)
 * ```
 */
export function formatAnnotation(finding: LintFinding): string {
  const properties = [
    `file=${escapeProperty(finding.path)}`,
    `line=${finding.line}`,
    `col=${finding.column}`,
    `title=${escapeProperty(finding.code)}`,
  ]
  const message = `${finding.message}\n${finding.help}\nDocs: ${finding.docs}`
  return `::${finding.severity} ${properties.join(',')}::${escapeData(message)}`
}

/**
 * Picks the findings that get an annotation: the first {@link ANNOTATIONS_PER_LEVEL} of each
 * level, in the given (priority) order.
 *
 * @example
 * ```ts
 * const { annotated, notAnnotated } = selectAnnotations(lint.findings)
 * ```
 */
export function selectAnnotations(findings: readonly LintFinding[]): {
  annotated: LintFinding[]
  notAnnotated: number
} {
  const used = { error: 0, warning: 0 }
  const annotated: LintFinding[] = []
  for (const finding of findings) {
    if (used[finding.severity] >= ANNOTATIONS_PER_LEVEL) continue
    used[finding.severity]++
    annotated.push(finding)
  }
  return { annotated, notAnnotated: findings.length - annotated.length }
}

/**
 * Writes the annotations through `write` (the runner reads them from stdout) and returns how many
 * findings were left without one.
 *
 * @example
 * ```ts
 * report.notAnnotated = emitAnnotations(lint.findings, (line) => process.stdout.write(line))
 * ```
 */
export function emitAnnotations(findings: readonly LintFinding[], write: (text: string) => void): number {
  const { annotated, notAnnotated } = selectAnnotations(findings)
  for (const finding of annotated) write(`${formatAnnotation(finding)}\n`)
  return notAnnotated
}
