import { describe, expect, it } from 'vitest'
import { MigrationError } from '../../../errors.js'
import { importError, importErrorHit } from './m000-import-error.js'

describe('DORM-M000 import-error', () => {
  it('says which error the import raised, as the original did', () => {
    expect(importErrorHit(new SyntaxError('Unexpected token')).message).toBe(
      'Could not import migration: SyntaxError: Unexpected token',
    )
    expect(importErrorHit(new MigrationError('no default export')).message).toBe(
      'Could not import migration: MigrationError: no default export',
    )
  })

  it('is an error, with no checks of its own (the linter reports it)', () => {
    expect(importError).toMatchObject({ code: 'DORM-M000', severity: 'error' })
    expect(importError.checkOperation).toBeUndefined()
  })
})
