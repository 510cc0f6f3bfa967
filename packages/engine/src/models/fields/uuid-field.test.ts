import { randomUUID } from 'node:crypto'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { UUIDField } from './uuid-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

const UUID = '123e4567-e89b-12d3-a456-426614174000'

describe('UUIDField', () => {
  const field = new UUIDField()

  it('is UUID on PostgreSQL and VARCHAR(36) on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('uuid')
    expect(field.dbType('sqlite')).toBe('varchar(36)')
    expect(field.dbType('libsql')).toBe('varchar(36)')
  })

  it('round-trips the canonical lowercase form on every vendor', () => {
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      expect(field.fromDb(field.toDb(UUID.toUpperCase(), vendor), vendor)).toBe(UUID)
    }
    expect(field.toDb(null, 'sqlite')).toBeNull()
    expect(field.fromDb(null, 'postgresql')).toBeNull()
  })

  it('cleans the spellings PostgreSQL accepts into one form', () => {
    expect(field.clean(UUID.toUpperCase())).toBe(UUID)
    expect(field.clean(`{${UUID}}`)).toBe(UUID)
    expect(field.clean(`urn:uuid:${UUID}`)).toBe(UUID)
    expect(field.clean(UUID.replaceAll('-', ''))).toBe(UUID)
    expect(() => field.clean('123e4567')).toThrow(
      `UUIDField expects a UUID string like '123e4567-e89b-12d3-a456-426614174000', got "123e4567"`,
    )
    expect(() => field.clean(42)).toThrow(/got 42/)
  })

  it('validates the format', () => {
    expect(field.validate(UUID)).toEqual([])
    expect(field.validate('not-a-uuid')).toEqual(['"not-a-uuid" is not a valid UUID.'])
    expect(field.validate(1)).toEqual(['Expected a UUID string, got number.'])
  })

  it('takes randomUUID as its default', () => {
    const id = new UUIDField({ primaryKey: true, default: randomUUID })
    const value = id.getDefault()
    expect(field.clean(value)).toBe(value)
    expect(id.getDefault()).not.toBe(value)
    expect(id.validate(undefined)).toEqual([])
    expectTypeOf(id.__default).toEqualTypeOf<true>()
  })

  it('types null and default from the options', () => {
    const nullable = new UUIDField({ null: true })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<string>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<string | null>()
    expectTypeOf(field.__default).toEqualTypeOf<false>()
  })
})
