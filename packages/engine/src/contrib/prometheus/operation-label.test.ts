import { describe, expect, it } from 'vitest'
import { operationLabel } from './operation-label.js'

describe('operationLabel', () => {
  it('keeps known SQL verbs, upper-cased', () => {
    expect(operationLabel('select 1')).toBe('SELECT')
    expect(operationLabel('/* job */ INSERT INTO t VALUES (1)')).toBe('INSERT')
    expect(operationLabel('SAVEPOINT "s1"')).toBe('SAVEPOINT')
  })

  it('maps anything else to OTHER, so label values stay bounded', () => {
    expect(operationLabel('FROBNICATE everything')).toBe('OTHER')
    expect(operationLabel('')).toBe('OTHER')
    expect(operationLabel("'just a string'")).toBe('OTHER')
  })
})
