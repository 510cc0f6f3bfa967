import pg from 'pg'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { DurationField } from './duration-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

// the parser pg applies to INTERVAL (oid 1186) columns, so the tests read what the driver really returns
const parseInterval = pg.types.getTypeParser(1186, 'text') as (text: string) => unknown

describe('DurationField', () => {
  const field = new DurationField()

  it('is INTERVAL on PostgreSQL and BIGINT on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('interval')
    expect(field.dbType('sqlite')).toBe('bigint')
    expect(field.dbType('libsql')).toBe('bigint')
  })

  it('sends PG an interval literal in milliseconds and SQLite whole milliseconds', () => {
    expect(field.toDb(90_061_001, 'postgresql')).toBe('90061001 milliseconds')
    expect(field.toDb(-1500, 'postgresql')).toBe('-1500 milliseconds')
    expect(field.toDb(1500.4, 'sqlite')).toBe(1500)
    expect(field.toDb(null, 'postgresql')).toBeNull()
  })

  it("reads pg's interval objects, including months and years the PostgreSQL way", () => {
    // what PostgreSQL prints for '90061001 milliseconds': hours are not folded into days
    expect(field.fromDb(parseInterval('25:01:01.001'), 'postgresql')).toBe(90_061_001)
    expect(field.fromDb(parseInterval('-00:00:01.5'), 'postgresql')).toBe(-1500)
    expect(field.fromDb(parseInterval('1 day 00:00:00.0005'), 'postgresql')).toBe(86_400_000.5)
    expect(field.fromDb(parseInterval('1 year 2 mons 3 days'), 'postgresql')).toBe(
      365.25 * 86_400_000 + 60 * 86_400_000 + 3 * 86_400_000,
    )
    expect(field.fromDb(parseInterval('00:00:00'), 'postgresql')).toBe(0)
  })

  it('reads interval text, should a custom type parser leave it as text', () => {
    expect(field.fromDb('25:01:01.001', 'postgresql')).toBe(90_061_001)
    expect(field.fromDb('-2 days -00:00:01', 'postgresql')).toBe(-2 * 86_400_000 - 1000)
    expect(field.fromDb('1 mon', 'postgresql')).toBe(30 * 86_400_000)
    expect(() => field.fromDb('P1D', 'postgresql')).toThrow(/DurationField cannot read "P1D"/)
  })

  it('reads SQLite integers and bigints', () => {
    expect(field.fromDb(1500, 'sqlite')).toBe(1500)
    expect(field.fromDb(1500n, 'libsql')).toBe(1500)
    expect(field.fromDb('1500', 'sqlite')).toBe(1500)
    expect(field.fromDb(null, 'sqlite')).toBeNull()
  })

  it('cleans numbers and numeric strings', () => {
    expect(field.clean(1500)).toBe(1500)
    expect(field.clean('1500')).toBe(1500)
    expect(() => field.clean('1 hour')).toThrow('DurationField expects a number of milliseconds, got "1 hour"')
    expect(() => field.clean(Number.POSITIVE_INFINITY)).toThrow(TypeError)
  })

  it('validates the type', () => {
    expect(field.validate(0)).toEqual([])
    expect(field.validate(Number.NaN)).toEqual(['NaN is not a finite number of milliseconds.'])
    expect(field.validate('1500')).toEqual(['Expected a number of milliseconds, got string.'])
  })

  it('types null and default from the options', () => {
    const nullable = new DurationField({ null: true })
    const withDefault = new DurationField({ default: 30_000 })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<number>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<number | null>()
    expectTypeOf(field.__default).toEqualTypeOf<false>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })
})
