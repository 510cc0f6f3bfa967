import pg from 'pg'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { ImproperlyConfigured } from '../../errors.js'
import { DateField, DateTimeField, TimeField } from './date-time-fields.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

const vendors = ['postgresql', 'sqlite', 'libsql'] as const

// a zone far from UTC, so local-versus-UTC mistakes show up as a different day
const originalTz = process.env.TZ
beforeEach(() => {
  process.env.TZ = 'America/Los_Angeles'
})
afterEach(() => {
  process.env.TZ = originalTz
  vi.useRealTimers()
})

describe('DateField', () => {
  const field = new DateField()

  it('is DATE on PostgreSQL and TEXT on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('date')
    expect(field.dbType('sqlite')).toBe('text')
    expect(field.dbType('libsql')).toBe('text')
  })

  it('reads the Date pg builds for a DATE column by its local parts', () => {
    // pg's DATE (oid 1082) parser builds local midnight: 08:00Z in Los Angeles
    const parseDate = pg.types.getTypeParser(1082, 'text') as (text: string) => Date
    expect(parseDate('2024-01-15').toISOString()).toBe('2024-01-15T08:00:00.000Z')
    expect(field.fromDb(parseDate('2024-01-15'), 'postgresql')).toBe('2024-01-15')
    expect(field.fromDb('2024-01-15', 'sqlite')).toBe('2024-01-15')
    expect(field.fromDb('2024-01-15T10:00:00.000Z', 'sqlite')).toBe('2024-01-15')
    expect(field.fromDb(null, 'sqlite')).toBeNull()
  })

  it('round-trips on every vendor', () => {
    for (const vendor of vendors) expect(field.fromDb(field.toDb('2024-02-29', vendor), vendor)).toBe('2024-02-29')
    expect(field.toDb(null, 'postgresql')).toBeNull()
  })

  it('cleans strings and local Dates, and refuses impossible dates', () => {
    expect(field.clean('2024-01-15')).toBe('2024-01-15')
    expect(field.clean(new Date(2024, 11, 31, 23, 59))).toBe('2024-12-31')
    expect(() => field.clean('2023-02-29')).toThrow(
      'DateField expects a \'YYYY-MM-DD\' string or a Date, got "2023-02-29"',
    )
    expect(() => field.clean('15/01/2024')).toThrow(TypeError)
    expect(() => field.clean(new Date(Number.NaN))).toThrow(/got an invalid Date/)
    expect(() => field.clean(20240115)).toThrow(/got number/)
  })

  it('validates the format', () => {
    expect(field.validate('2024-01-15')).toEqual([])
    expect(field.validate('2024-13-01')).toEqual(['"2024-13-01" is not a valid date: use YYYY-MM-DD.'])
    expect(field.validate(5)).toEqual(["Expected a 'YYYY-MM-DD' string, got number."])
    expect(field.validate(null)).toEqual(['This field cannot be null.'])
  })

  it('sets today on save for autoNow, and on insert only for autoNowAdd', () => {
    vi.useFakeTimers({ now: new Date(2024, 5, 1, 23, 30), toFake: ['Date'] })
    const updated = new DateField({ autoNow: true })
    const created = new DateField({ autoNowAdd: true })
    expect(updated.autoNow).toBe(true)
    expect(updated.autoNowAdd).toBe(false)
    expect(updated.preSave(false)).toBe('2024-06-01')
    expect(created.preSave(true)).toBe('2024-06-01')
    expect(created.preSave(false)).toBeUndefined()
    expect(field.preSave(true)).toBeUndefined()
    expect(created.hasDefault()).toBe(true)
    expect(created.getDefault()).toBe('2024-06-01')
    expect(created.validate(undefined)).toEqual([])
  })
})

describe('DateTimeField', () => {
  const field = new DateTimeField()
  const instant = new Date('2024-01-15T10:30:00.123Z')

  it('is TIMESTAMP WITH TIME ZONE on PostgreSQL and TEXT on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('timestamp with time zone')
    expect(field.dbType('sqlite')).toBe('text')
    expect(field.dbType('libsql')).toBe('text')
  })

  it('sends ISO 8601 UTC text and reads it back as the same instant', () => {
    expect(field.toDb(instant, 'sqlite')).toBe('2024-01-15T10:30:00.123Z')
    expect(field.toDb(instant, 'postgresql')).toBe('2024-01-15T10:30:00.123Z')
    expect(field.toDb(null, 'sqlite')).toBeNull()
    for (const vendor of vendors) expect(field.fromDb(field.toDb(instant, vendor), vendor)).toEqual(instant)
  })

  it('reads the Date pg returns as is, and text with or without an offset', () => {
    const parseTimestamptz = pg.types.getTypeParser(1184, 'text') as (text: string) => Date
    expect(field.fromDb(parseTimestamptz('2024-01-15 10:30:00.123+00'), 'postgresql')).toEqual(instant)
    expect(field.fromDb(instant, 'postgresql')).toBe(instant)
    // SQLite's CURRENT_TIMESTAMP writes UTC without an offset; the process zone must not shift it
    expect(field.fromDb('2024-01-15 10:30:00', 'sqlite')).toEqual(new Date('2024-01-15T10:30:00Z'))
    expect(field.fromDb('2024-01-15 12:30:00.123456+02', 'postgresql')).toEqual(instant)
    expect(field.fromDb('2024-01-15T05:00:00.123-05:30', 'sqlite')).toEqual(instant)
    expect(field.fromDb(instant.getTime(), 'libsql')).toEqual(instant)
    expect(field.fromDb(null, 'postgresql')).toBeNull()
    expect(() => field.fromDb('yesterday', 'sqlite')).toThrow(/DateTimeField cannot read "yesterday"/)
  })

  it('cleans Dates and ISO strings, and names what it got otherwise', () => {
    expect(field.clean(instant)).toBe(instant)
    expect(field.clean('2024-01-15T10:30:00.123Z')).toEqual(instant)
    expect(field.clean('2024-01-15')).toEqual(new Date('2024-01-15T00:00:00Z'))
    expect(field.clean('0099-01-01T00:00:00Z').getUTCFullYear()).toBe(99)
    expect(() => field.clean('2024-01-15T25:00:00Z')).toThrow(TypeError)
    expect(() => field.clean('soon')).toThrow('DateTimeField expects a Date or an ISO 8601 string, got "soon"')
    expect(() => field.clean(new Date('x'))).toThrow(/got an invalid Date/)
    expect(() => field.clean(0)).toThrow(/got number/)
  })

  it('validates the type', () => {
    expect(field.validate(instant)).toEqual([])
    expect(field.validate('2024-01-15T10:30:00Z')).toEqual([])
    expect(field.validate(new Date('x'))).toEqual(['The Date is invalid.'])
    expect(field.validate('2024-02-30T00:00:00Z')).toEqual([
      '"2024-02-30T00:00:00Z" is not a valid ISO 8601 date and time.',
    ])
    expect(field.validate(1)).toEqual(['Expected a Date, got number.'])
    expect(field.validate(undefined)).toEqual(['This field cannot be null.'])
  })

  it('sets now on save for autoNow, and on insert only for autoNowAdd', () => {
    const now = new Date('2024-06-01T12:00:00Z')
    vi.useFakeTimers({ now, toFake: ['Date'] })
    const updated = new DateTimeField({ autoNow: true })
    const created = new DateTimeField({ autoNowAdd: true })
    expect(created.autoNowAdd).toBe(true)
    expect(updated.preSave(true)).toEqual(now)
    expect(updated.preSave(false)).toEqual(now)
    expect(created.preSave(true)).toEqual(now)
    expect(created.preSave(false)).toBeUndefined()
    expect(field.preSave(true)).toBeUndefined()
    expect(created.getDefault()).toEqual(now)
    expect(field.getDefault()).toBeUndefined()
  })

  it('refuses more than one of autoNow, autoNowAdd and default', () => {
    expect(() => new DateTimeField({ autoNow: true, autoNowAdd: true })).toThrow(ImproperlyConfigured)
    expect(() => new DateField({ autoNowAdd: true, default: '2024-01-01' })).toThrow(
      /DateField takes only one of autoNow, autoNowAdd and default \(got autoNowAdd, default\)/,
    )
    expect(() => new DateTimeField({ autoNow: false, default: () => new Date() })).not.toThrow()
  })

  it('counts autoNow and autoNowAdd as a default in the types', () => {
    const nullable = new DateTimeField({ null: true })
    const created = new DateTimeField({ autoNowAdd: true })
    const updated = new DateTimeField({ autoNow: true })
    const withDefault = new DateTimeField({ default: () => new Date() })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<Date>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<Date | null>()
    expectTypeOf(field.__default).toEqualTypeOf<false>()
    expectTypeOf(nullable.__default).toEqualTypeOf<false>()
    expectTypeOf(created.__default).toEqualTypeOf<true>()
    expectTypeOf(updated.__default).toEqualTypeOf<true>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
    const date = new DateField({ autoNow: true, null: true })
    expectTypeOf<ValueOf<typeof date>>().toEqualTypeOf<string | null>()
    expectTypeOf(date.__default).toEqualTypeOf<true>()
  })
})

describe('TimeField', () => {
  const field = new TimeField()

  it('is TIME on PostgreSQL and TEXT on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('time')
    expect(field.dbType('sqlite')).toBe('text')
    expect(field.dbType('libsql')).toBe('text')
  })

  it('round-trips on every vendor and reads PG text as printed', () => {
    for (const vendor of vendors) expect(field.fromDb(field.toDb('13:45:30.25', vendor), vendor)).toBe('13:45:30.25')
    expect(field.fromDb('09:00:00', 'postgresql')).toBe('09:00:00')
    expect(field.fromDb('09:00:00.123456', 'postgresql')).toBe('09:00:00.123456')
    expect(field.fromDb(null, 'postgresql')).toBeNull()
  })

  it('cleans to HH:MM:SS with the fraction as PostgreSQL prints it', () => {
    expect(field.clean('09:00')).toBe('09:00:00')
    expect(field.clean('09:00:05.500')).toBe('09:00:05.5')
    expect(field.clean('09:00:05.000')).toBe('09:00:05')
    expect(() => field.clean('24:00')).toThrow('TimeField expects an \'HH:MM:SS\' string, got "24:00"')
    expect(() => field.clean('9:00')).toThrow(TypeError)
    expect(() => field.clean(new Date())).toThrow(/got a Date/)
  })

  it('validates the format', () => {
    expect(field.validate('23:59:59.999999')).toEqual([])
    expect(field.validate('12:60:00')).toEqual(['"12:60:00" is not a valid time: use HH:MM:SS[.ffffff].'])
    expect(field.validate(900)).toEqual(["Expected an 'HH:MM:SS' string, got number."])
  })

  it('types null and default from the options', () => {
    const nullable = new TimeField({ null: true })
    const withDefault = new TimeField({ default: '09:00:00' })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<string>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<string | null>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })
})
