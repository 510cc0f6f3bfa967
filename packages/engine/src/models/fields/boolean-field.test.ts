import { describe, expect, expectTypeOf, it } from 'vitest'
import { BooleanField } from './boolean-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('BooleanField', () => {
  const field = new BooleanField()

  it('is BOOLEAN on PostgreSQL and INTEGER on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('boolean')
    expect(field.dbType('sqlite')).toBe('integer')
    expect(field.dbType('libsql')).toBe('integer')
  })

  it('sends booleans to PostgreSQL and 1/0 to SQLite, and reads either back', () => {
    expect(field.toDb(true, 'postgresql')).toBe(true)
    expect(field.toDb(false, 'sqlite')).toBe(0)
    expect(field.toDb(true, 'libsql')).toBe(1)
    expect(field.toDb(null, 'sqlite')).toBeNull()
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      expect(field.fromDb(field.toDb(true, vendor), vendor)).toBe(true)
      expect(field.fromDb(field.toDb(false, vendor), vendor)).toBe(false)
    }
  })

  it('reads 0/1, bigints, true/false and t/f', () => {
    expect([1, 0, 1n, 0n, 't', 'f', true, false].map((v) => field.fromDb(v, 'sqlite'))).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
    ])
    expect(field.fromDb(null, 'postgresql')).toBeNull()
    expect(field.fromDb(2, 'sqlite')).toBe(true)
    expect(() => field.fromDb('maybe', 'postgresql')).toThrow(/BooleanField cannot read "maybe"/)
  })

  it('cleans booleans, 1/0 and their text forms, and names what it got otherwise', () => {
    expect(field.clean('true')).toBe(true)
    expect(field.clean(' F ')).toBe(false)
    expect(field.clean('1')).toBe(true)
    expect(field.clean(0)).toBe(false)
    expect(() => field.clean('yes')).toThrow(TypeError)
    expect(() => field.clean('yes')).toThrow("BooleanField expects true or false (or 1/0, 't'/'f'), got \"yes\"")
    expect(() => field.clean(2)).toThrow(/got 2/)
  })

  it('validates the type and nullability', () => {
    expect(field.validate(true)).toEqual([])
    expect(field.validate(1)).toEqual(['Expected true or false, got number.'])
    expect(field.validate(null)).toEqual(['This field cannot be null.'])
    expect(new BooleanField({ null: true }).validate(null)).toEqual([])
    expect(new BooleanField({ default: false }).validate(undefined)).toEqual([])
  })

  it('types null and default from the options', () => {
    const plain = new BooleanField()
    const nullable = new BooleanField({ null: true })
    const withDefault = new BooleanField({ default: true })
    expectTypeOf<ValueOf<typeof plain>>().toEqualTypeOf<boolean>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<boolean | null>()
    expectTypeOf(plain.__default).toEqualTypeOf<false>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })

  it('deconstructs to its kind and options', () => {
    expect(new BooleanField({ default: true }).deconstruct()).toEqual({
      kind: 'BooleanField',
      options: { default: true },
    })
  })
})
