import { describe, expect, it } from 'vitest'
import { summarizeSql } from '../../db/sql-summary.js'
import { dbSystemOf, spanNameOf } from './query-spans.js'

describe('span names and db.system', () => {
  it('names a span "<OPERATION> <table>", falling back to db.<vendor>', () => {
    expect(spanNameOf(summarizeSql('SELECT * FROM "library_book"'), 'postgresql')).toBe('SELECT library_book')
    expect(spanNameOf(summarizeSql('insert into public.orders values (1)'), 'sqlite')).toBe('INSERT public.orders')
    expect(spanNameOf(summarizeSql('BEGIN'), 'libsql')).toBe('db.libsql')
    expect(spanNameOf(summarizeSql('SELECT 1'), 'postgresql')).toBe('db.postgresql')
  })

  it('reports libsql as sqlite', () => {
    expect(dbSystemOf('postgresql')).toBe('postgresql')
    expect(dbSystemOf('sqlite')).toBe('sqlite')
    expect(dbSystemOf('libsql')).toBe('sqlite')
  })
})
