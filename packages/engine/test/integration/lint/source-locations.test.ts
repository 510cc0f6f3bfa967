import { describe, expect, it } from 'vitest'
import { locateOperations } from '../../../src/migrations/lint/source-locations.js'
import { parseSuppressions, SuppressionSet } from '../../../src/migrations/lint/suppressions.js'

const source = [
  "import { migration } from '@dorm/engine/migrations'", // 1
  '// noqa: DORM-M001', // 2
  'export default migration({', // 3
  '  operations: [', // 4
  "    new AddField({ modelName: 'a', name: 'b', field }), // noqa: DORM-M002, dorm-m005", // 5
  '    // noqa: DORM-M003', // 6
  '    new AddIndex({', // 7
  "      modelName: 'a',", // 8
  '    }),', // 9
  "    new RunSQL({ sql: ['SELECT 1', `", // 10
  '      DROP TABLE t`] }),', // 11
  '  ],', // 12
  '})', // 13
].join('\n')

describe('source locations', () => {
  it('finds each operation of migration({ operations }) and the lines of RunSQL strings', async () => {
    const { operations } = await locateOperations(source)
    expect(operations).toEqual([
      { line: 5, column: 5, endLine: 5, sqlLines: [] },
      { line: 7, column: 5, endLine: 9, sqlLines: [] },
      { line: 10, column: 5, endLine: 11, sqlLines: [10, 10] },
    ])
  })

  it('gives up on shapes it cannot follow (a spread, no migration call)', async () => {
    expect((await locateOperations('export default migration({ operations: [...common, x] })')).operations).toEqual([])
    expect((await locateOperations('export default build()')).operations).toEqual([])
  })
})

describe('suppressions', () => {
  it('own line = file, end of an operation line or the line above it = that operation', async () => {
    const suppressions = parseSuppressions(source, await locateOperations(source))
    expect(suppressions).toEqual([
      { line: 2, column: 1, codes: ['DORM-M001'], operationIndex: undefined },
      { line: 5, column: 57, codes: ['DORM-M002', 'DORM-M005'], operationIndex: 0 },
      { line: 6, column: 5, codes: ['DORM-M003'], operationIndex: 1 },
    ])
    const set = new SuppressionSet(suppressions)
    expect(set.suppresses('DORM-M001', 2)).toBe(true)
    expect(set.suppresses('DORM-M003', 1)).toBe(true)
    expect(set.suppresses('DORM-M003', 0)).toBe(false)
    expect(set.suppresses('DORM-M002', 0)).toBe(true)
    const all = new Set(['DORM-M001', 'DORM-M002', 'DORM-M003', 'DORM-M005'])
    expect(set.unused(all, all).map((u) => `${u.suppression.line}:${u.code}`)).toEqual(['5:DORM-M005'])
    // a rule that did not run (--rule) cannot make its suppression look stale
    expect(set.unused(new Set(['DORM-M001']), all)).toEqual([])
  })
})
