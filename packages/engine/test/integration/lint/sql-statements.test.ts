import { describe, expect, it } from 'vitest'
import { splitSql } from '../../../src/migrations/lint/sql-statements.js'

describe('splitSql', () => {
  it('splits with PostgreSQL parser, keeping text, tree and line offsets', async () => {
    const { statements, errors } = await splitSql([
      '\n  -- backfill first\n  UPDATE t SET a = 1;\n\n  DROP TABLE öld;',
      'TRUNCATE x',
    ])
    expect(errors).toEqual([])
    expect(statements.map((s) => [s.index, s.lineOffset, s.sql, Object.keys(s.node)[0]])).toEqual([
      [0, 2, 'UPDATE t SET a = 1', 'UpdateStmt'],
      [1, 4, 'DROP TABLE öld', 'DropStmt'],
      [2, 5, 'TRUNCATE x', 'TruncateStmt'],
    ])
  })

  it('follows the source lines of each string when given', async () => {
    const { statements } = await splitSql(['SELECT 1', 'SELECT 2'], [10, 14])
    expect(statements.map((s) => s.lineOffset)).toEqual([0, 4])
  })

  it('reports a string the parser refuses, and still parses the others', async () => {
    const { statements, errors } = await splitSql(['SELECT 1', 'SELECT 1;\nSELEC 2', ''])
    expect(statements).toHaveLength(1)
    expect(errors).toEqual([{ message: 'syntax error at or near "SELEC"', stringIndex: 1, lineOffset: 2 }])
  })
})
