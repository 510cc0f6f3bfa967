import { describe, expect, expectTypeOf, it } from 'vitest'
import { FloatField } from './float-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('FloatField', () => {
  const field = new FloatField()

  it('is DOUBLE PRECISION on PostgreSQL and REAL on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('double precision')
    expect(field.dbType('sqlite')).toBe('real')
    expect(field.dbType('libsql')).toBe('real')
  })

  it('round-trips numbers and reads numeric text', () => {
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      expect(field.fromDb(field.toDb(0.1 + 0.2, vendor), vendor)).toBe(0.1 + 0.2)
    }
    expect(field.toDb(null, 'postgresql')).toBeNull()
    expect(field.fromDb('1.5', 'postgresql')).toBe(1.5)
    expect(field.fromDb('Infinity', 'postgresql')).toBe(Number.POSITIVE_INFINITY)
    expect(field.fromDb(null, 'sqlite')).toBeNull()
  })

  it('cleans numbers and numeric strings, refusing NaN', () => {
    expect(field.clean('2.5')).toBe(2.5)
    expect(field.clean(-1)).toBe(-1)
    expect(field.clean(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
    expect(() => field.clean('abc')).toThrow('FloatField expects a number, got "abc"')
    expect(() => field.clean(Number.NaN)).toThrow(TypeError)
    expect(() => field.clean('')).toThrow(TypeError)
  })

  it('validates the type', () => {
    expect(field.validate(1.5)).toEqual([])
    expect(field.validate('1.5')).toEqual(['Expected a number, got string.'])
    expect(field.validate(Number.NaN)).toEqual(['NaN is not a valid number (SQLite would store it as NULL).'])
    expect(field.validate(undefined)).toEqual(['This field cannot be null.'])
  })

  it('types null and default from the options', () => {
    const nullable = new FloatField({ null: true, default: 0 })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<number>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<number | null>()
    expectTypeOf(field.__default).toEqualTypeOf<false>()
    expectTypeOf(nullable.__default).toEqualTypeOf<true>()
  })
})
