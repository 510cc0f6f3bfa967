import { describe, expect, it } from 'vitest'
import { changedTables, normalizeTable, templateTouches } from './sql-tables'

describe('changedTables', () => {
  it('finds the tables of DDL and DML statements, unquoted and lower-cased', () => {
    expect(
      changedTables([
        'ALTER TABLE "library_book" ADD COLUMN "isbn" varchar(13) NULL',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "b_idx" ON ONLY "public"."Library_Author" ("name")',
        'CREATE TABLE IF NOT EXISTS shelf (id bigint)',
        'UPDATE "library_book" SET "isbn" = \'\' WHERE "isbn" IS NULL',
        'INSERT INTO audit_log (x) VALUES (1)',
        'DELETE FROM "tmp"',
        'DROP TABLE IF EXISTS "old_things"',
        'ALTER TABLE "a" RENAME TO "b"',
        'CREATE UNIQUE INDEX "u" ON "orders" ("ref")',
      ]),
    ).toEqual(['a', 'audit_log', 'b', 'library_author', 'library_book', 'old_things', 'orders', 'shelf', 'tmp'])
    expect(changedTables(['SELECT 1'])).toEqual([])
  })

  it('normalizes quoted and schema-qualified names', () => {
    expect(normalizeTable('"public"."Library_Book"')).toBe('library_book')
    expect(normalizeTable('"we""ird"')).toBe('we"ird')
  })
})

describe('templateTouches', () => {
  it('matches whole table names only', () => {
    expect(templateTouches('SELECT "library_book"."id" FROM "library_book"', 'library_book')).toBe(true)
    expect(templateTouches('select * from LIBRARY_BOOK where id = $1', 'library_book')).toBe(true)
    expect(templateTouches('SELECT * FROM library_bookshelf', 'library_book')).toBe(false)
    expect(templateTouches('SELECT * FROM my_library_book', 'library_book')).toBe(false)
  })
})
