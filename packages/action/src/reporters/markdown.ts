/**
 * The run as Markdown, shared by the job summary and the PR comment: the verdict, the findings
 * table, pending migrations, the dry-run SQL per migration (collapsed) with the lock each statement
 * takes where known, applied migrations and the drift result. {@link fitMarkdown} shortens it to a
 * size limit, dropping the SQL first and then findings rows.
 */
import { lockOf } from '../lock-modes.js'
import type { ActionReport, LintResult } from '../report.js'
import { ANNOTATIONS_PER_LEVEL } from './annotations.js'

/** How much to include. */
export interface MarkdownOptions {
  /** Include the dry-run SQL (default true). */
  readonly sql?: boolean
  /** At most this many findings rows (default all). */
  readonly maxFindings?: number
  /** Where the omitted detail can be read, e.g. a link to the run. */
  readonly moreAt?: string
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function verdict(report: ActionReport): string {
  return report.failure === undefined ? '✅ passed' : `❌ failed (${report.failure.kind})`
}

function lintSection(lint: LintResult, report: ActionReport, options: MarkdownOptions): string[] {
  const scope = lint.since === undefined ? '' : ` in files changed since \`${lint.since.slice(0, 12)}\``
  const lines = [`### Lint: ${lint.findings.length} finding(s)${scope}`, '']
  if (lint.findings.length === 0) return [...lines, 'No issues found.', '']
  lines.push(`${lint.errors} error(s), ${lint.warnings} warning(s); fail-on: \`${report.failOn}\`.`, '')
  lines.push('| Level | Code | Location | Operation | Message |', '|---|---|---|---|---|')
  const shown = lint.findings.slice(0, options.maxFindings ?? lint.findings.length)
  for (const f of shown) {
    const level = f.severity === 'error' ? '❌ error' : '⚠️ warning'
    const changed = f.changedLine ? ' (changed)' : ''
    lines.push(
      `| ${level} | [${f.code}](${f.docs}) | \`${cell(f.path)}:${f.line}:${f.column}\`${changed} | \`${cell(f.operation)}\` | ${cell(f.message)} ${cell(f.help)} |`,
    )
  }
  if (shown.length < lint.findings.length) {
    const where = options.moreAt === undefined ? '' : ` in ${options.moreAt}`
    lines.push('', `… and ${lint.findings.length - shown.length} more finding(s)${where} and in the SARIF output.`)
  }
  if (report.notAnnotated !== undefined && report.notAnnotated > 0) {
    lines.push(
      '',
      `> ${report.notAnnotated} finding(s) were not annotated: GitHub shows at most ${ANNOTATIONS_PER_LEVEL} error and ` +
        `${ANNOTATIONS_PER_LEVEL} warning annotations per step (lines this pull request changed come first). ` +
        'All findings are in this table and in the SARIF output (`sarif`), ready for code scanning.',
    )
  }
  return [...lines, '']
}

function dryRunSection(report: ActionReport, options: MarkdownOptions): string[] {
  const dryRun = report.dryRun
  if (dryRun === undefined) return []
  const lines = [`### Pending migrations: ${dryRun.pending.length}`, '']
  if (dryRun.pending.length === 0) return [...lines, 'The database is up to date.', '']
  for (const label of dryRun.pending) lines.push(`- \`${label}\``)
  lines.push('')
  if (options.sql === false) {
    const where = options.moreAt === undefined ? 'the job summary' : options.moreAt
    return [...lines, `_The SQL of the dry-run is left out here for size; see ${where}._`, '']
  }
  lines.push('### Dry-run SQL', '')
  for (const step of dryRun.plan) {
    lines.push(`<details><summary><code>${step.app}.${step.name}</code>: ${step.sql.length} statement(s)</summary>`, '')
    lines.push('```sql', ...step.sql.map((s) => (s.startsWith('--') ? s : `${s};`)), '```', '')
    if (dryRun.postgres && step.sql.length > 0) {
      lines.push('| # | Statement | Lock (PostgreSQL) | Blocks |', '|---|---|---|---|')
      step.sql.forEach((sql, i) => {
        const lock = lockOf(sql)
        const head = sql.length > 90 ? `${sql.slice(0, 87)}...` : sql
        lines.push(`| ${i + 1} | \`${cell(head)}\` | ${lock?.mode ?? 'unknown'} | ${lock?.blocks ?? ''} |`)
      })
      lines.push('')
    }
    lines.push('</details>', '')
  }
  return lines
}

function migrateSection(report: ActionReport): string[] {
  const migrate = report.migrate
  if (migrate === undefined) return []
  const lines = [`### Applied: ${migrate.applied.length} migration(s)`, '']
  for (const label of migrate.applied) lines.push(`- \`${label}\``)
  if (migrate.error !== null) {
    const where = migrate.error.migration === null ? '' : ` in \`${migrate.error.migration}\``
    lines.push('', `**Stopped${where}** (${migrate.error.code}): ${cell(migrate.error.message)}`)
  }
  return [...lines, '']
}

function diffSection(report: ActionReport): string[] {
  const diff = report.diff
  if (diff === undefined) return []
  if (!diff.drift) return ['### Drift: none', '', 'The live schema matches the models.', '']
  const lines = [`### Drift: ${diff.findings.length} finding(s)`, '']
  if (diff.explainedByPending) {
    lines.push('Expected until the pending migrations are applied: the live schema is compared with the models.', '')
  }
  for (const f of diff.findings) lines.push(`- **${f.kind}** ${cell(f.detail)}`)
  return [...lines, '']
}

/**
 * The report as Markdown.
 *
 * @example
 * ```ts
 * await core.summary.addRaw(renderMarkdown(report)).write()
 * ```
 */
export function renderMarkdown(report: ActionReport, options: MarkdownOptions = {}): string {
  const title = `## dorm ${report.command}: ${verdict(report)}`
  const where = `Working directory \`${report.workingDirectory}\`.`
  const lines = [title, '', where, '']
  if (report.failure !== undefined) lines.push(`> **${cell(report.failure.message)}**`, '')
  if (report.lint !== undefined) lines.push(...lintSection(report.lint, report, options))
  lines.push(...dryRunSection(report, options), ...migrateSection(report), ...diffSection(report))
  for (const note of report.notes) lines.push(`_${note}_`, '')
  return `${lines.join('\n').trimEnd()}\n`
}

/**
 * The longest rendering of `report` within `limit` characters: everything, else without the SQL,
 * else with fewer findings rows, else cut.
 *
 * @example
 * ```ts
 * const body = fitMarkdown(report, 65_000, { moreAt: 'the job summary' })
 * ```
 */
export function fitMarkdown(report: ActionReport, limit: number, options: MarkdownOptions = {}): string {
  const full = renderMarkdown(report, options)
  if (full.length <= limit) return full
  let rows = report.lint?.findings.length ?? 0
  for (;;) {
    const text = renderMarkdown(report, { ...options, sql: false, maxFindings: rows })
    if (text.length <= limit) return text
    if (rows === 0) return `${text.slice(0, Math.max(0, limit - 40))}\n\n… (cut to fit)\n`
    rows = Math.floor(rows / 2)
  }
}
