import { describe, expect, it } from 'vitest'
import { summarizeSql } from './sql-summary.js'

describe('summarizeSql', () => {
  it.each([
    [
      'SELECT "library_book"."id" FROM "library_book" WHERE "library_book"."id" = $1 LIMIT $2',
      'SELECT',
      'library_book',
    ],
    ['INSERT INTO "library_author" ("name", "age") VALUES ($1, $2) RETURNING "id"', 'INSERT', 'library_author'],
    ['UPDATE "library_book" SET "pages" = "pages" + 1 WHERE "id" = ?', 'UPDATE', 'library_book'],
    ['DELETE FROM "library_book" WHERE "id" IN (?, ?)', 'DELETE', 'library_book'],
    ['DELETE FROM ONLY "library_book"', 'DELETE', 'library_book'],
    ['COPY "events" FROM STDIN', 'COPY', 'events'],
    ['select * from public.orders o', 'SELECT', 'public.orders'],
    ['SELECT 1 FROM "public"."orders"', 'SELECT', 'public.orders'],
    ['SELECT 1 FROM "we""ird"', 'SELECT', 'we"ird'],
  ])('%s', (sql, operation, table) => {
    expect(summarizeSql(sql)).toEqual({ operation, table })
  })

  it('skips leading comments, whitespace and parentheses before the verb', () => {
    expect(summarizeSql('  -- a report\n/* nightly */\n  select x from t')).toEqual({ operation: 'SELECT', table: 't' })
    expect(summarizeSql('(SELECT a FROM t1) UNION (SELECT a FROM t2)')).toEqual({ operation: 'SELECT', table: 't1' })
  })

  it('gives no table for statements without a target', () => {
    expect(summarizeSql('SELECT 1')).toEqual({ operation: 'SELECT', table: null })
    expect(summarizeSql('BEGIN')).toEqual({ operation: 'BEGIN', table: null })
    expect(summarizeSql('SAVEPOINT "s1"')).toEqual({ operation: 'SAVEPOINT', table: null })
    expect(summarizeSql('')).toEqual({ operation: null, table: null })
    expect(summarizeSql('-- only a comment')).toEqual({ operation: null, table: null })
  })

  it('prefers the outermost target over one inside parentheses', () => {
    expect(summarizeSql('SELECT EXTRACT(YEAR FROM "published_at") AS "y" FROM "library_book"')).toEqual({
      operation: 'SELECT',
      table: 'library_book',
    })
    expect(summarizeSql('SELECT COUNT(*) FROM (SELECT "id" FROM "library_book" LIMIT 5) "sub"')).toEqual({
      operation: 'SELECT',
      table: 'library_book',
    })
  })

  it('ignores keywords inside string literals and comments', () => {
    expect(summarizeSql("SELECT 'from x' AS a, b /* from y */ FROM z")).toEqual({ operation: 'SELECT', table: 'z' })
    expect(summarizeSql("SELECT 'it''s from x' FROM z")).toEqual({ operation: 'SELECT', table: 'z' })
  })

  it('reads the verb of a CTE and the first target', () => {
    expect(summarizeSql('WITH recent AS (SELECT * FROM orders) SELECT * FROM recent')).toEqual({
      operation: 'WITH',
      table: 'recent',
    })
  })

  it('returns the same answer from its cache', () => {
    const sql = 'SELECT "id" FROM "cached_table"'
    expect(summarizeSql(sql)).toBe(summarizeSql(sql))
  })

  it('summarises very long statements without caching them', () => {
    const values = Array.from({ length: 3000 }, (_, i) => `($${i + 1})`).join(', ')
    const sql = `INSERT INTO "bulk" ("v") VALUES ${values}`
    expect(summarizeSql(sql)).toEqual({ operation: 'INSERT', table: 'bulk' })
  })
})
