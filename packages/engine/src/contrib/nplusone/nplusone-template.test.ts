import { describe, expect, it } from 'vitest'
import { isSkippedStatement, nplusoneTemplate } from './nplusone-template.js'

describe('nplusoneTemplate', () => {
  it('turns strings, numbers and NULL into ? and collapses whitespace', () => {
    expect(nplusoneTemplate("SELECT *\n  FROM t WHERE name = 'it''s' AND n = -1.5e3 AND m = 7 AND z IS NULL")).toBe(
      'SELECT * FROM t WHERE name = ? AND n = ? AND m = ? AND z IS ?',
    )
    expect(nplusoneTemplate("SELECT X'ff', b'01', E'\\n', 0x1F")).toBe('SELECT ?, ?, ?, ?')
  })

  it('keeps numbers glued to words and turns $1 into $?', () => {
    expect(nplusoneTemplate('SELECT "t1"."a2" FROM t1 WHERE id = $1 LIMIT 21')).toBe(
      'SELECT "t1"."a2" FROM t1 WHERE id = $? LIMIT ?',
    )
    expect(nplusoneTemplate('SELECT * FROM t WHERE id = %s AND x = ?')).toBe('SELECT * FROM t WHERE id = %s AND x = ?')
  })

  it('skips DDL and transaction control only', () => {
    for (const sql of ['CREATE TABLE t (id int)', 'drop table t', 'ALTER TABLE t ADD x int', 'PRAGMA foreign_keys']) {
      expect(isSkippedStatement(sql)).toBe(true)
    }
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK TO SAVEPOINT s', 'SAVEPOINT s', 'RELEASE SAVEPOINT s']) {
      expect(isSkippedStatement(sql)).toBe(true)
    }
    expect(isSkippedStatement('SELECT * FROM "books" WHERE "id" = $1')).toBe(false)
    expect(isSkippedStatement('CREATE INDEX i ON t (a)')).toBe(false)
  })
})
