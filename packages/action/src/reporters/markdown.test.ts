import { describe, expect, it } from 'vitest'
import type { ActionReport, LintFinding } from '../report.js'
import { selectAnnotations } from './annotations.js'
import { fitMarkdown, renderMarkdown } from './markdown.js'
import { commentBody, stickyMarker } from './pr-comment.js'

function finding(i: number, severity: 'error' | 'warning' = 'warning'): LintFinding {
  return {
    code: 'DORM-M003',
    rule: 'add-index-without-concurrently',
    severity,
    file: `m/${i}.ts`,
    path: `app/m/${i}.ts`,
    line: i,
    column: 5,
    operation: "AddIndex(model_name='order')",
    message: 'x'.repeat(400),
    help: 'Pass concurrently: true',
    docs: 'https://example.com/DORM-M003.md',
    changedLine: false,
  }
}

function report(findings: LintFinding[], sqlLength = 10): ActionReport {
  return {
    command: 'check',
    workingDirectory: 'app',
    failOn: 'error',
    notes: [],
    lint: { findings, errors: 0, warnings: findings.length, since: undefined, sarif: '{}' },
    dryRun: {
      pending: ['shop.0002_x'],
      plan: [{ app: 'shop', name: '0002_x', sql: ['S'.repeat(sqlLength)] }],
      postgres: true,
    },
  }
}

describe('the PR comment fits GitHub’s limit', () => {
  it('keeps everything when it fits', () => {
    const text = fitMarkdown(report([finding(1)]), 65_000)
    expect(text).toBe(renderMarkdown(report([finding(1)])))
    expect(text).toContain('### Dry-run SQL')
  })

  it('drops the SQL first, then findings rows, saying where the rest is', () => {
    const big = report([finding(1)], 70_000)
    const withoutSql = fitMarkdown(big, 65_000, { moreAt: 'the job summary' })
    expect(withoutSql).not.toContain('SSSS')
    expect(withoutSql).toContain('_The SQL of the dry-run is left out here for size; see the job summary._')
    const many = report(Array.from({ length: 400 }, (_, i) => finding(i)))
    const body = commentBody(many, 'https://github.com/o/r/actions/runs/1')
    expect(body.length).toBeLessThanOrEqual(65_000)
    expect(body).toMatch(
      /… and \d+ more finding\(s\) in the \[job summary\]\(https:\/\/github.com\/o\/r\/actions\/runs\/1\)/,
    )
    expect(body.trimEnd().endsWith(stickyMarker('app'))).toBe(true)
  })
})

describe('selectAnnotations', () => {
  it('keeps at most 10 per level, in order', () => {
    const findings = [...Array.from({ length: 12 }, (_, i) => finding(i)), finding(99, 'error')]
    const { annotated, notAnnotated } = selectAnnotations(findings)
    expect(annotated.map((f) => f.line)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99])
    expect(notAnnotated).toBe(2)
  })
})
