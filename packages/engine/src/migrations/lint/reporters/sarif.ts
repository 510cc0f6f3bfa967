/**
 * `--format sarif`: SARIF 2.1.0 for code scanning (GitHub `upload-sarif` and others), with every
 * rule's metadata and a stable fingerprint per finding so a finding keeps its identity across runs.
 */
import { createHash } from 'node:crypto'
import type { FindingJson } from '../finding.js'
import { type LintRule, ruleDocsUrl, type Severity } from '../lint-rule.js'

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

function level(severity: Severity): 'error' | 'warning' {
  return severity
}

/**
 * A stable identity of a finding: code, file and operation, hashed (lines move when a file is
 * edited above the operation; these do not).
 *
 * @example
 * ```ts
 * findingFingerprint({ code: 'DORM-M003', file: 'shop/migrations/0002_x.ts', operation: "AddIndex(model_name='order')" })
 * ```
 */
export function findingFingerprint(finding: Pick<FindingJson, 'code' | 'file' | 'operation'>): string {
  return createHash('sha256')
    .update(`${finding.code}\0${finding.file}\0${finding.operation}`)
    .digest('hex')
    .slice(0, 32)
}

/**
 * The SARIF 2.1.0 log of one run: `tool.driver.rules` lists every rule, `results` the findings.
 *
 * @example
 * ```ts
 * writeFileSync('lint.sarif', formatSarif(findings, RULES, '0.1.0'))
 * ```
 */
export function formatSarif(findings: readonly FindingJson[], rules: readonly LintRule[], version: string): string {
  const index = new Map(rules.map((rule, i) => [rule.code, i]))
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dorm lint-migrations',
            version,
            rules: rules.map((rule) => ({
              id: rule.code,
              name: rule.name,
              shortDescription: { text: rule.summary },
              helpUri: ruleDocsUrl(rule.code),
              defaultConfiguration: { level: level(rule.severity) },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
          level: level(f.severity),
          message: { text: `${f.message}\n${f.help}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          partialFingerprints: { 'dormFinding/v1': findingFingerprint(f) },
          properties: { operation: f.operation },
        })),
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
