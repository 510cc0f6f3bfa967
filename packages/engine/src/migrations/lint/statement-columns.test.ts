import { describe, expect, it } from 'vitest'
import { statementColumns } from './statement-columns.js'

describe('statementColumns', () => {
  it('finds each statement of a one-line string, repeated ones left to right', () => {
    const line = "    new RunSQL({ sql: 'SET lock_timeout = 0; SELECT 1; SET lock_timeout = 0' }),"
    expect(
      statementColumns(
        [line],
        [
          { line: 1, sql: 'SET lock_timeout = 0' },
          { line: 1, sql: 'SELECT 1' },
          { line: 1, sql: 'SET lock_timeout = 0' },
        ],
      ),
    ).toEqual([24, 46, 56])
  })

  it('reads statements through the escapes of the literal, and lines of a template literal', () => {
    const lines = [
      "      sql: 'UPDATE t SET note = \\'it\\'\\'s\\' WHERE id = 1',",
      '      sql: `',
      '        DROP TABLE shop_legacy;',
      '      `,',
    ]
    expect(
      statementColumns(lines, [
        { line: 1, sql: "UPDATE t SET note = 'it''s' WHERE id = 1" },
        { line: 3, sql: 'DROP TABLE shop_legacy' },
      ]),
    ).toEqual([13, 9])
  })

  it('gives undefined when the line is unknown or does not show the statement', () => {
    expect(
      statementColumns(
        ['x'],
        [
          { line: undefined, sql: 'SELECT 1' },
          { line: 1, sql: 'SELECT 1' },
          { line: 9, sql: 'SELECT 1' },
        ],
      ),
    ).toEqual([undefined, undefined, undefined])
  })
})
