import { describe, expect, expectTypeOf, it } from 'vitest'
import { ImproperlyConfigured } from '../../errors.js'
import { DecimalField, type DecimalFieldOptions } from './decimal-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('DecimalField', () => {
  const field = new DecimalField({ maxDigits: 5, decimalPlaces: 2 })

  it('needs maxDigits and decimalPlaces, and says how to set them', () => {
    expect(() => new DecimalField({} as DecimalFieldOptions)).toThrow(ImproperlyConfigured)
    expect(() => new DecimalField({} as DecimalFieldOptions)).toThrow(
      /needs maxDigits .* got maxDigits=undefined, decimalPlaces=undefined\. Example: new DecimalField\(\{ maxDigits: 10, decimalPlaces: 2 \}\)/,
    )
    expect(() => new DecimalField({ maxDigits: 2, decimalPlaces: 3 })).toThrow(ImproperlyConfigured)
    expect(() => new DecimalField({ maxDigits: 0, decimalPlaces: 0 })).toThrow(ImproperlyConfigured)
    expect(() => new DecimalField({ maxDigits: 5.5, decimalPlaces: 2 })).toThrow(ImproperlyConfigured)
    expect(new DecimalField({ maxDigits: 3, decimalPlaces: 0 }).decimalPlaces).toBe(0)
  })

  it('is NUMERIC(m, d) on every vendor', () => {
    expect(field.dbType('postgresql')).toBe('numeric(5, 2)')
    expect(field.dbType('sqlite')).toBe('numeric(5, 2)')
    expect(field.dbType('libsql')).toBe('numeric(5, 2)')
  })

  it('sends strings, formatting numbers with decimalPlaces', () => {
    expect(field.toDb('12.5', 'postgresql')).toBe('12.50')
    expect(field.toDb(12.5, 'sqlite')).toBe('12.50')
    expect(field.toDb(0.1 + 0.2, 'postgresql')).toBe('0.30')
    expect(field.toDb(7, 'libsql')).toBe('7.00')
    expect(field.toDb(null, 'sqlite')).toBeNull()
  })

  it('reads PG numeric text and SQLite numbers back with exactly decimalPlaces digits', () => {
    expect(field.fromDb('12.50', 'postgresql')).toBe('12.50')
    // SQLite's NUMERIC affinity turns '12.50' into 12.5 and '10.00' into 10
    expect(field.fromDb(12.5, 'sqlite')).toBe('12.50')
    expect(field.fromDb(10, 'sqlite')).toBe('10.00')
    expect(field.fromDb(-0.1, 'sqlite')).toBe('-0.10')
    expect(field.fromDb(3n, 'libsql')).toBe('3.00')
    expect(field.fromDb('NaN', 'postgresql')).toBe('NaN')
    expect(field.fromDb(null, 'postgresql')).toBeNull()
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      expect(field.fromDb(field.toDb('999.99', vendor), vendor)).toBe('999.99')
    }
  })

  it('reads SQLite numbers the same through the canonical shortcut and the parser', () => {
    const none = new DecimalField({ maxDigits: 25, decimalPlaces: 0 })
    const four = new DecimalField({ maxDigits: 30, decimalPlaces: 4 })
    // negative zeros, rounding to zero, exponent forms and integers, which the shortcut must leave to the parser
    expect(field.fromDb(-0.001, 'sqlite')).toBe('0.00')
    expect(field.fromDb(-0, 'sqlite')).toBe('0.00')
    expect(none.fromDb(-0.4, 'sqlite')).toBe('0')
    expect(none.fromDb(1e21, 'sqlite')).toBe('1000000000000000000000')
    expect(none.fromDb(42, 'sqlite')).toBe('42')
    expect(four.fromDb(1e-7, 'sqlite')).toBe('0.0000')
    expect(four.fromDb(-123.45678, 'sqlite')).toBe('-123.4568')
    expect(four.fromDb(0.5, 'sqlite')).toBe('0.5000')
    // the shortcut returns toFixed's text only when it is what the full parse would give
    for (const value of [0.005, 1.005, -2.675, 99.995, 1234.5678, -0.05, 5e-324, 123456789012.34]) {
      expect(field.fromDb(value, 'sqlite')).toBe(field.clean(value.toFixed(2)))
    }
  })

  it('keeps digits a number cannot hold (PostgreSQL stores them; SQLite keeps 15 significant ones)', () => {
    const wide = new DecimalField({ maxDigits: 30, decimalPlaces: 10 })
    expect(wide.clean('12345678901234567890.0123456789')).toBe('12345678901234567890.0123456789')
    expect(wide.fromDb('12345678901234567890.0123456789', 'postgresql')).toBe('12345678901234567890.0123456789')
    // what SQLite's NUMERIC affinity hands back for that value: the REAL nearest to it
    expect(wide.fromDb(12345678901234567000, 'sqlite')).toBe('12345678901234567168.0000000000')
  })

  it('cleans strings, numbers and bigints to a canonical string', () => {
    expect(field.clean('007.5')).toBe('7.50')
    expect(field.clean('+.5')).toBe('0.50')
    expect(field.clean('-0')).toBe('0.00')
    expect(field.clean('1.500')).toBe('1.50')
    expect(field.clean('1.234')).toBe('1.234')
    expect(field.clean('1.5e2')).toBe('150.00')
    expect(field.clean('25e-3')).toBe('0.025')
    expect(field.clean(1e-7)).toBe('0.00')
    expect(field.clean(12n)).toBe('12.00')
    expect(new DecimalField({ maxDigits: 30, decimalPlaces: 0 }).clean(1e21)).toBe('1000000000000000000000')
  })

  it('refuses what is not a decimal, naming it', () => {
    expect(() => field.clean('abc')).toThrow(
      `DecimalField expects a decimal string like '12.50' or a finite number, got "abc"`,
    )
    expect(() => field.clean(Number.NaN)).toThrow(TypeError)
    expect(() => field.clean(Number.POSITIVE_INFINITY)).toThrow(TypeError)
    expect(() => field.clean('.')).toThrow(TypeError)
    expect(() => field.clean('1e5000')).toThrow(TypeError)
    expect(() => field.clean(true)).toThrow(/got true/)
  })

  it('validates digits in total, decimal places and digits before the point', () => {
    expect(field.validate('999.99')).toEqual([])
    expect(field.validate('-0.05')).toEqual([])
    expect(field.validate('1.500')).toEqual([])
    expect(field.validate(12.5)).toEqual([])
    expect(field.validate('1234.567')).toEqual(['Ensure that there are no more than 5 digits in total.'])
    expect(field.validate('1.234')).toEqual(['Ensure that there are no more than 2 decimal places.'])
    expect(field.validate(1.234)).toEqual(['Ensure that there are no more than 2 decimal places.'])
    expect(field.validate('1000')).toEqual(['Ensure that there are no more than 3 digits before the decimal point.'])
    expect(field.validate('abc')).toEqual(['"abc" is not a valid decimal number.'])
    expect(field.validate(Number.NaN)).toEqual(['"NaN" is not a valid decimal number.'])
    expect(field.validate(true)).toEqual(['Expected a decimal string or a number, got boolean.'])
    expect(field.validate('')).toEqual(['This field cannot be blank.'])
    expect(field.validate(null)).toEqual(['This field cannot be null.'])
  })

  it('deconstructs with its precision and scale', () => {
    expect(field.deconstruct()).toEqual({ kind: 'DecimalField', options: { maxDigits: 5, decimalPlaces: 2 } })
  })

  it('types null and default from the options', () => {
    const nullable = new DecimalField({ maxDigits: 5, decimalPlaces: 2, null: true })
    const withDefault = new DecimalField({ maxDigits: 5, decimalPlaces: 2, default: '0.00' })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<string>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<string | null>()
    expectTypeOf(field.__default).toEqualTypeOf<false>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })
})

describe('DecimalField.fromDb on canonical text', () => {
  const field = new DecimalField({ maxDigits: 12, decimalPlaces: 2 })
  const whole = new DecimalField({ maxDigits: 5, decimalPlaces: 0 })
  it.each([
    ['12.50', '12.50'],
    ['0.05', '0.05'],
    ['-12.50', '-12.50'],
    ['-0.05', '-0.05'],
    ['-0.00', '0.00'],
    ['007.10', '7.10'],
    ['12.5', '12.50'],
    ['12.500', '12.50'],
    ['1e2', '100.00'],
    ['NaN', 'NaN'],
  ])('reads %s as %s', (text, expected) => {
    expect(field.fromDb(text, 'postgresql')).toBe(expected)
  })
  it.each([
    ['42', '42'],
    ['-0', '0'],
    ['42.0', '42'],
  ])('reads %s as %s with no decimal places', (text, expected) => {
    expect(whole.fromDb(text, 'postgresql')).toBe(expected)
  })
})
