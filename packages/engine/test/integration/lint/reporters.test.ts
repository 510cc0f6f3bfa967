import { describe, expect, it } from 'vitest'
import { Finding } from '../../../src/migrations/lint/finding.js'
import { formatGithub } from '../../../src/migrations/lint/reporters/github.js'
import { formatJson } from '../../../src/migrations/lint/reporters/json.js'
import { findingFingerprint, formatSarif } from '../../../src/migrations/lint/reporters/sarif.js'
import { formatText } from '../../../src/migrations/lint/reporters/text.js'
import { RULES } from '../../../src/migrations/lint/rules/index.js'

const findings = [
  new Finding({
    code: 'DORM-M003',
    rule: 'add-index-without-concurrently',
    severity: 'warning',
    file: 'shop/migrations/0002_idx.ts',
    line: 7,
    column: 5,
    operation: "AddIndex(model_name='order')",
    message: 'AddIndex without concurrently=True locks shop_order: 100% of writes wait.',
    help: 'Pass concurrently: true,\nand atomic: false.',
    docs: 'docs/rules/DORM-M003.md',
  }),
  new Finding({
    code: 'DORM-M000',
    rule: 'import-error',
    severity: 'error',
    file: 'shop/migrations/0003_x.ts',
    line: 1,
    column: 1,
    operation: '<import error>',
    message: 'Could not import migration: Error: boom',
    help: 'Fix it.',
    docs: 'docs/rules/DORM-M000.md',
  }),
]

describe('reporters', () => {
  it('text: the seed layout, and the clean line', () => {
    expect(formatText(findings)).toMatchInlineSnapshot(`
      "DORM-M003 shop/migrations/0002_idx.ts: AddIndex without concurrently=True locks shop_order: 100% of writes wait.
          op: AddIndex(model_name='order')
      DORM-M000 shop/migrations/0003_x.ts: Could not import migration: Error: boom
          op: <import error>

      2 finding(s).
      "
    `)
    expect(formatText([])).toBe('No issues found.\n')
  })

  it('json: an indented list of every field', () => {
    expect(JSON.parse(formatJson(findings))[1]).toMatchInlineSnapshot(`
      {
        "code": "DORM-M000",
        "column": 1,
        "docs": "docs/rules/DORM-M000.md",
        "file": "shop/migrations/0003_x.ts",
        "help": "Fix it.",
        "line": 1,
        "message": "Could not import migration: Error: boom",
        "operation": "<import error>",
        "rule": "import-error",
        "severity": "error",
      }
    `)
    expect(formatJson([])).toBe('[]\n')
  })

  it('github: workflow commands, escaped as the runner requires', () => {
    expect(formatGithub(findings)).toMatchInlineSnapshot(`
      "::warning file=shop/migrations/0002_idx.ts,line=7,col=5,title=DORM-M003::AddIndex without concurrently=True locks shop_order: 100%25 of writes wait.%0APass concurrently: true,%0Aand atomic: false.
      ::error file=shop/migrations/0003_x.ts,line=1,col=1,title=DORM-M000::Could not import migration: Error: boom%0AFix it.
      2 finding(s).
      "
    `)
  })

  it('sarif: 2.1.0 with rule metadata, locations and stable fingerprints', () => {
    const log = JSON.parse(formatSarif(findings, RULES, '0.1.0'))
    expect(log.version).toBe('2.1.0')
    expect(log.runs[0].tool.driver.rules[3]).toMatchInlineSnapshot(`
      {
        "defaultConfiguration": {
          "level": "warning",
        },
        "helpUri": "docs/rules/DORM-M003.md",
        "id": "DORM-M003",
        "name": "add-index-without-concurrently",
        "shortDescription": {
          "text": "AddIndex without concurrently=True blocks writes to the table while the index builds",
        },
      }
    `)
    expect(log.runs[0].results[0]).toMatchInlineSnapshot(`
      {
        "level": "warning",
        "locations": [
          {
            "physicalLocation": {
              "artifactLocation": {
                "uri": "shop/migrations/0002_idx.ts",
              },
              "region": {
                "startColumn": 5,
                "startLine": 7,
              },
            },
          },
        ],
        "message": {
          "text": "AddIndex without concurrently=True locks shop_order: 100% of writes wait.
      Pass concurrently: true,
      and atomic: false.",
        },
        "partialFingerprints": {
          "dormFinding/v1": "ed2625ee5b6f822185de9146365363d4",
        },
        "properties": {
          "operation": "AddIndex(model_name='order')",
        },
        "ruleId": "DORM-M003",
        "ruleIndex": 3,
      }
    `)
    expect(findingFingerprint(findings[0] as Finding)).toBe(
      findingFingerprint({ ...(findings[0] as Finding), line: 99 } as Finding),
    )
  })
})
