/**
 * `command: lint`: `dorm lint-migrations --format json` (and `--format sarif` for code scanning),
 * only the files changed since the pull request's base (or `since`). The Action reads the findings'
 * severities to apply `fail-on`; it never judges an operation itself.
 */
import { resolve } from 'node:path'
import { type ActionContext, fromWorkspace } from '../context.js'
import type { LintFinding, LintResult } from '../report.js'

/** Where the rule docs pages live when the CLI gives a path inside the dorm repository. */
export const RULE_DOCS_BASE = 'https://github.com/dorm/action/blob/v1/'

/** A finding as `dorm lint-migrations --format json` prints it. */
interface CliFinding {
  code: string
  rule: string
  severity: 'error' | 'warning'
  file: string
  line: number
  column: number
  operation: string
  message: string
  help: string
  docs: string
}

interface SarifLog {
  runs?: Array<{
    tool?: { driver?: { rules?: Array<{ helpUri?: string }> } }
    results?: Array<{ locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }> }>
  }>
}

/**
 * The absolute URL of a rule's docs page.
 *
 * @example
 * ```ts
 * docsUrl('docs/rules/DORM-M003.md') // 'https://github.com/dorm/action/blob/v1/docs/rules/DORM-M003.md'
 * ```
 */
export function docsUrl(docs: string): string {
  return /^https?:\/\//.test(docs) ? docs : `${RULE_DOCS_BASE}${docs.replace(/^\/+/, '')}`
}

/** The SARIF log with file URIs from the repository root (what upload-sarif expects) and absolute docs links. */
function rebaseSarif(text: string, toWorkspacePath: (file: string) => string): string {
  const log = JSON.parse(text) as SarifLog
  for (const run of log.runs ?? []) {
    for (const rule of run.tool?.driver?.rules ?? []) {
      if (rule.helpUri !== undefined) rule.helpUri = docsUrl(rule.helpUri)
    }
    for (const result of run.results ?? []) {
      for (const location of result.locations ?? []) {
        const artifact = location.physicalLocation?.artifactLocation
        if (artifact?.uri !== undefined) artifact.uri = toWorkspacePath(artifact.uri)
      }
    }
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

/**
 * Findings on lines the pull request changed first, then errors before warnings, then file order.
 *
 * @example
 * ```ts
 * const [first] = prioritise(findings) // a finding on a changed line, if any
 * ```
 */
export function prioritise(findings: readonly LintFinding[]): LintFinding[] {
  const rank = (f: LintFinding) => (f.changedLine ? 0 : 2) + (f.severity === 'error' ? 0 : 1)
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index)
    .map(({ finding }) => finding)
}

/**
 * Runs the linter and returns its findings in priority order, with counts and the SARIF log.
 *
 * @example
 * ```ts
 * const lint = await lintStep(context)
 * lint.errors // findings of error-severity rules
 * ```
 */
export async function lintStep(context: ActionContext): Promise<LintResult> {
  const { dorm, inputs, since, changedLines } = context
  const args = ['lint-migrations', ...(since === undefined ? [] : ['--since', since])]
  const [json, sarif] = await Promise.all([
    dorm.json<CliFinding[]>([...args, '--format', 'json'], [0, 1]),
    dorm.json<SarifLog>([...args, '--format', 'sarif'], [0, 1]),
  ])
  const toWorkspacePath = (file: string) => fromWorkspace(inputs.workspace, resolve(inputs.workingDirectory, file))
  const findings = json.value.map((f): LintFinding => {
    const path = toWorkspacePath(f.file)
    return { ...f, path, docs: docsUrl(f.docs), changedLine: changedLines?.get(path)?.has(f.line) ?? false }
  })
  return {
    findings: prioritise(findings),
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    since,
    sarif: rebaseSarif(sarif.run.stdout, toWorkspacePath),
  }
}

/**
 * `command: lint`.
 *
 * @example
 * ```ts
 * await lintCommand(context) // context.report.lint is set
 * ```
 */
export async function lintCommand(context: ActionContext): Promise<void> {
  context.report.lint = await lintStep(context)
}
