/** `--format json`: the findings as an indented JSON list. */
import type { FindingJson } from '../finding.js'

/**
 * The findings as a 2-space indented JSON array (`[]` when clean), ending with a newline.
 *
 * @example
 * ```ts
 * JSON.parse(formatJson(findings))[0].code // 'DORM-M001'
 * ```
 */
export function formatJson(findings: readonly FindingJson[]): string {
  return `${JSON.stringify(findings, null, 2)}\n`
}
