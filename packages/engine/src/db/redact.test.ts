import { afterEach, describe, expect, it } from 'vitest'
import { addSensitiveColumnPatterns, redactErrorDetail, redactParams, resetSensitiveColumnPatterns } from './redact.js'

describe('redactParams', () => {
  afterEach(() => resetSensitiveColumnPatterns())

  it('masks params compared with sensitive columns ($n placeholders)', () => {
    expect(redactParams('UPDATE users SET password = $1 WHERE id = $2', ['hunter2', 7])).toEqual(['***', 7])
    expect(redactParams('SELECT * FROM t WHERE "api_key" = $2 AND name = $1', ['bob', 'k'])).toEqual(['bob', '***'])
  })

  it('masks ? placeholders by their position, ignoring ? inside strings', () => {
    expect(redactParams("SELECT '?' AS q FROM u WHERE name = ? AND auth_token = ?", ['bob', 't'])).toEqual([
      'bob',
      '***',
    ])
  })

  it('masks INSERT values by column position, across several rows', () => {
    const sql = 'INSERT INTO "users" ("name", "password_hash", "age") VALUES ($1, $2, $3), ($4, $5, $6)'
    expect(redactParams(sql, ['a', 'h1', 1, 'b', 'h2', 2])).toEqual(['a', '***', 1, 'b', '***', 2])
    expect(redactParams('INSERT INTO u (secret, n) VALUES (?, ?)', ['s', 1])).toEqual(['***', 1])
  })

  it('leaves unrelated statements alone and copies the array', () => {
    const params = [1, 'x']
    const out = redactParams('SELECT * FROM t WHERE id = $1 AND name = $2', params)
    expect(out).toEqual(params)
    expect(out).not.toBe(params)
  })

  it('is extendable', () => {
    expect(redactParams('UPDATE p SET ssn = $1', ['123'])).toEqual(['123'])
    addSensitiveColumnPatterns('SSN')
    expect(redactParams('UPDATE p SET customer_ssn = $1', ['123'])).toEqual(['***'])
  })
})

describe('redactErrorDetail', () => {
  it('hides the key values of a violation on a sensitive column', () => {
    expect(redactErrorDetail('Key (password)=(hunter2) already exists.')).toBe('Key (password)=(***) already exists.')
    expect(redactErrorDetail('Key (tenant_id, api_token)=(3, tok-1) already exists.')).toBe(
      'Key (tenant_id, api_token)=(***) already exists.',
    )
    expect(redactErrorDetail('Key (secret_id)=(9) is not present in table "secrets".')).toBe(
      'Key (secret_id)=(***) is not present in table "secrets".',
    )
  })

  it('keeps the key values of other columns', () => {
    expect(redactErrorDetail('Key (email)=(a@b.c) already exists.')).toBe('Key (email)=(a@b.c) already exists.')
  })

  it('always hides the failing row, which holds every column', () => {
    expect(redactErrorDetail('Failing row contains (1, null, hunter2).')).toBe(
      'Failing row contains (***): the values are hidden, they may hold secrets.',
    )
  })
})
