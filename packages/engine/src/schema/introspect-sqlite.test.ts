import { describe, expect, it } from 'vitest'
import { normalizeSqliteType } from './introspect-sqlite.js'

describe('normalizeSqliteType', () => {
  it('keeps the declared type, lower-cased with tidy spacing', () => {
    expect(normalizeSqliteType('INTEGER')).toBe('integer')
    expect(normalizeSqliteType('varchar( 200 )')).toBe('varchar(200)')
    expect(normalizeSqliteType('NUMERIC(10,2)')).toBe('numeric(10, 2)')
    expect(normalizeSqliteType('  unsigned   big int ')).toBe('unsigned big int')
  })

  it('does not map synonyms: SQLite stores the declaration as written', () => {
    expect(normalizeSqliteType('int')).toBe('int')
    expect(normalizeSqliteType('bigserial')).toBe('bigserial')
    expect(normalizeSqliteType('')).toBe('')
  })
})
