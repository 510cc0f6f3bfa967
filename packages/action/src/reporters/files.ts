/**
 * The files the Action leaves for later steps: the JSON report (`report` output, snake_case keys)
 * and the SARIF log (`sarif` output) for `github/codeql-action/upload-sarif`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ActionReport } from '../report.js'

/**
 * The report as the JSON object written to the `report` file (keys in snake_case).
 *
 * @example
 * ```ts
 * reportJson(report).lint?.findings[0]?.code // 'DORM-M003'
 * ```
 */
export function reportJson(report: ActionReport, run: Record<string, unknown>) {
  const lint = report.lint
  return {
    command: report.command,
    working_directory: report.workingDirectory,
    fail_on: report.failOn,
    ok: report.failure === undefined,
    failure: report.failure ?? null,
    run,
    lint:
      lint === undefined
        ? null
        : {
            since: lint.since ?? null,
            errors: lint.errors,
            warnings: lint.warnings,
            not_annotated: report.notAnnotated ?? 0,
            findings: lint.findings.map((f) => ({
              code: f.code,
              rule: f.rule,
              severity: f.severity,
              file: f.path,
              line: f.line,
              column: f.column,
              operation: f.operation,
              message: f.message,
              help: f.help,
              docs: f.docs,
              changed_line: f.changedLine,
            })),
          },
    dry_run: report.dryRun === undefined ? null : { pending: report.dryRun.pending, plan: report.dryRun.plan },
    migrate: report.migrate ?? null,
    drift:
      report.diff === undefined
        ? null
        : {
            drift: report.diff.drift,
            explained_by_pending: report.diff.explainedByPending,
            findings: report.diff.findings,
          },
    notes: report.notes,
  }
}

/**
 * The directory for the files: `$RUNNER_TEMP/dorm-action` (else the OS temp dir), created.
 *
 * @example
 * ```ts
 * outputDirectory(process.env) // '/home/runner/work/_temp/dorm-action'
 * ```
 */
export function outputDirectory(env: NodeJS.ProcessEnv): string {
  const dir = join(env.RUNNER_TEMP ?? tmpdir(), 'dorm-action')
  mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * Writes `report.json` and, when lint ran, `lint.sarif`; returns their paths.
 *
 * @example
 * ```ts
 * const { reportPath, sarifPath } = writeReportFiles(outputDirectory(process.env), report, run)
 * ```
 */
export function writeReportFiles(
  dir: string,
  report: ActionReport,
  run: Record<string, unknown>,
): { reportPath: string; sarifPath: string | undefined } {
  const reportPath = join(dir, 'report.json')
  writeFileSync(reportPath, `${JSON.stringify(reportJson(report, run), null, 2)}\n`)
  if (report.lint === undefined) return { reportPath, sarifPath: undefined }
  const sarifPath = join(dir, 'lint.sarif')
  writeFileSync(sarifPath, report.lint.sarif)
  return { reportPath, sarifPath }
}
