/** The output formats of `dorm lint-migrations`, by name. */
import type { FindingJson } from '../finding.js'
import type { LintRule } from '../lint-rule.js'
import { formatGithub } from './github.js'
import { formatJson } from './json.js'
import { formatSarif } from './sarif.js'
import { formatText } from './text.js'

/** `--format` values. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github'] as const

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/**
 * Renders findings in `format`; SARIF also lists `rules` and the tool `version`.
 *
 * @example
 * ```ts
 * io.stdout(formatFindings('text', findings, RULES, '0.1.0'))
 * ```
 */
export function formatFindings(
  format: ReportFormat,
  findings: readonly FindingJson[],
  rules: readonly LintRule[],
  version: string,
): string {
  switch (format) {
    case 'json':
      return formatJson(findings)
    case 'sarif':
      return formatSarif(findings, rules, version)
    case 'github':
      return formatGithub(findings)
    default:
      return formatText(findings)
  }
}
