import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import AjvDraft04 from 'ajv-draft-04'
import { describe, expect, it } from 'vitest'
import { Finding } from '../finding.js'
import { RULES } from '../rules/index.js'
import { formatSarif } from './sarif.js'

// the SARIF 2.1.0 (rtm.5) JSON schema as Microsoft's @microsoft/jest-sarif ships it
const require = createRequire(import.meta.url)
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>

const finding = new Finding({
  code: 'DORM-M003',
  rule: 'add-index-without-concurrently',
  severity: 'warning',
  file: 'shop/migrations/0002_idx.ts',
  line: 7,
  column: 5,
  operation: "AddIndex(model_name='order')",
  message: 'AddIndex without concurrently=True locks shop_order.',
  help: 'Pass concurrently: true.',
  docs: 'docs/rules/DORM-M003.md',
})

describe('SARIF reporter against the SARIF 2.1.0 JSON schema', () => {
  // the schema's `language` pattern is not a valid /u regexp; its uri formats are not checked here
  const ajv = new AjvDraft04.default({
    allErrors: true,
    strict: false,
    unicodeRegExp: false,
    formats: { uri: true, 'uri-reference': true },
  })
  const validate = ajv.compile(schema)

  it.each([
    ['with findings', [finding, new Finding({ ...finding.toJSON(), code: 'DORM-X999', severity: 'error' })]],
    ['without findings', []],
  ])('%s the log is valid', (_name, findings) => {
    const log = JSON.parse(formatSarif(findings, RULES, '0.1.0')) as unknown
    const valid = validate(log)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  it('the schema catches a broken log', () => {
    const log = JSON.parse(formatSarif([finding], RULES, '0.1.0')) as { runs: { results: { level: string }[] }[] }
    const result = log.runs[0]?.results[0]
    if (result) result.level = 'fatal'
    expect(validate(log)).toBe(false)
  })
})
