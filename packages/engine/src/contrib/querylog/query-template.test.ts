import { describe, expect, it } from 'vitest'
import { queryTemplate, templateFingerprint } from './query-template.js'

describe('queryTemplate', () => {
  it('turns $N, %s and ? into ? and leaves literals and whitespace alone', () => {
    expect(queryTemplate('SELECT * FROM "a" WHERE "id" = %s AND y = ? AND w = $12 AND z = 5')).toBe(
      'SELECT * FROM "a" WHERE "id" = ? AND y = ? AND w = ? AND z = 5',
    )
    expect(queryTemplate("SELECT  'x'\n FROM t")).toBe("SELECT  'x'\n FROM t")
  })

  it('collapses IN-lists of placeholders whatever their length', () => {
    const one = queryTemplate('SELECT * FROM t WHERE id IN ($1)')
    const three = queryTemplate('SELECT * FROM t WHERE id IN ($1, $2,$3)')
    expect(one).toBe('SELECT * FROM t WHERE id IN (?...)')
    expect(three).toBe(one)
    expect(queryTemplate('SELECT * FROM t WHERE id not in (?, ?)')).toBe('SELECT * FROM t WHERE id not in (?...)')
  })

  it('keeps IN-lists of literals and sub-queries', () => {
    expect(queryTemplate('SELECT * FROM t WHERE id IN (1, 2)')).toBe('SELECT * FROM t WHERE id IN (1, 2)')
    expect(queryTemplate('SELECT * FROM t WHERE id IN (SELECT a FROM b WHERE c = $1)')).toBe(
      'SELECT * FROM t WHERE id IN (SELECT a FROM b WHERE c = ?)',
    )
  })

  it('collapses multi-row VALUES of placeholders to the first row', () => {
    expect(queryTemplate('INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING id')).toBe(
      'INSERT INTO t (a, b) VALUES (?, ?), ... RETURNING id',
    )
    expect(queryTemplate('INSERT INTO t (a, b) VALUES (?, ?)')).toBe('INSERT INTO t (a, b) VALUES (?, ?)')
  })

  it('fingerprints a template with 16 stable hex digits', () => {
    const fingerprint = templateFingerprint('SELECT 1')
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/)
    // the first 16 hex digits of sha1('SELECT 1'), the same in every process
    expect(fingerprint).toBe('42364a017b73ef51')
    expect(templateFingerprint('SELECT 2')).not.toBe(fingerprint)
  })
})
