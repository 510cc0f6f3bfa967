import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MigrationError } from '../../errors.js'
import { createBaseline, filterBaseline, parseBaseline, readBaseline, writeBaseline } from './baseline.js'
import { Finding, type FindingJson } from './finding.js'
import { findingFingerprint } from './reporters/sarif.js'

function finding(fields: Partial<FindingJson>): Finding {
  return new Finding({
    code: 'DORM-M001',
    rule: 'add-field-with-default',
    severity: 'warning',
    file: 'shop/migrations/0002_x.ts',
    line: 6,
    column: 16,
    operation: "AddField(name='score', model_name='author')",
    message: 'm',
    help: 'h',
    docs: 'docs/rules/DORM-M001.md',
    ...fields,
  })
}

const old = finding({})
const other = finding({ code: 'DORM-M003', file: 'shop/migrations/0001_a.ts', operation: 'AddIndex()' })

describe('lint baselines', () => {
  it('records the SARIF fingerprint plus code, file and operation, sorted, without duplicates', () => {
    expect(createBaseline([old, other, finding({ line: 40 })])).toEqual({
      version: 1,
      findings: [
        { fingerprint: findingFingerprint(other), code: 'DORM-M003', file: other.file, operation: 'AddIndex()' },
        { fingerprint: findingFingerprint(old), code: 'DORM-M001', file: old.file, operation: old.operation },
      ],
    })
  })

  it('drops accepted findings, even when their line moved, and keeps new ones', () => {
    const baseline = createBaseline([old])
    const moved = finding({ line: 12 })
    const fresh = finding({ operation: "AddField(name='rank', model_name='author')" })
    expect(filterBaseline([moved, fresh, other], baseline)).toEqual([fresh, other])
  })

  it('round-trips through a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorm-baseline-'))
    try {
      const path = join(dir, 'baseline.json')
      const written = writeBaseline(path, [old, other])
      expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true)
      expect(readBaseline(path)).toEqual(written)
      expect(filterBaseline([old, other], readBaseline(path))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects missing and malformed files with a MigrationError naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorm-baseline-'))
    try {
      expect(() => readBaseline(join(dir, 'nope.json'))).toThrow(/Cannot read baseline .*nope\.json/)
      const path = join(dir, 'bad.json')
      writeFileSync(path, '{')
      expect(() => readBaseline(path)).toThrow(MigrationError)
      expect(() => readBaseline(path)).toThrow(/bad\.json is not valid JSON/)
      expect(() => parseBaseline('[]')).toThrow(/not a lint baseline/)
      expect(() => parseBaseline('{"version":1,"findings":[{}]}')).toThrow(/"fingerprint"/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
