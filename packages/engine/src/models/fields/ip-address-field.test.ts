import { describe, expect, expectTypeOf, it } from 'vitest'
import { ImproperlyConfigured } from '../../errors.js'
import { GenericIPAddressField, type IPProtocol } from './ip-address-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('GenericIPAddressField', () => {
  const field = new GenericIPAddressField()

  it('is INET on PostgreSQL and VARCHAR(39) on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('inet')
    expect(field.dbType('sqlite')).toBe('varchar(39)')
    expect(field.dbType('libsql')).toBe('varchar(39)')
  })

  it('round-trips on every vendor', () => {
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      expect(field.fromDb(field.toDb('192.168.0.1', vendor), vendor)).toBe('192.168.0.1')
      expect(field.fromDb(field.toDb('2001:DB8:0:0:0:0:0:1', vendor), vendor)).toBe('2001:db8::1')
    }
    expect(field.toDb(null, 'sqlite')).toBeNull()
    expect(field.fromDb(null, 'postgresql')).toBeNull()
  })

  it('cleans IPv6 to the form INET prints', () => {
    expect(field.clean(' 10.0.0.1 ')).toBe('10.0.0.1')
    expect(field.clean('0:0:0:0:0:0:0:1')).toBe('::1')
    expect(field.clean('FE80::0001')).toBe('fe80::1')
    expect(field.clean('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1')
    expect(field.clean('::FFFF:c000:0201')).toBe('::ffff:192.0.2.1')
  })

  it('refuses what is not an address, naming it', () => {
    expect(() => field.clean('256.0.0.1')).toThrow(
      'GenericIPAddressField expects a valid IPv4 or IPv6 address, got "256.0.0.1"',
    )
    expect(() => field.clean('10.0.0.0/8')).toThrow(TypeError)
    expect(() => field.clean('fe80::1%eth0')).toThrow(TypeError)
    expect(() => field.clean(167772161)).toThrow(/got 167772161/)
  })

  it('restricts the protocol when asked', () => {
    const v4 = new GenericIPAddressField({ protocol: 'IPv4' })
    const v6 = new GenericIPAddressField({ protocol: 'IPv6' })
    expect(v4.clean('10.0.0.1')).toBe('10.0.0.1')
    expect(() => v4.clean('::1')).toThrow('expects a valid IPv4 address')
    expect(v6.clean('::1')).toBe('::1')
    expect(v6.validate('10.0.0.1')).toEqual(['Enter a valid IPv6 address (got "10.0.0.1").'])
    expect(() => new GenericIPAddressField({ protocol: 'ipv4' as IPProtocol })).toThrow(ImproperlyConfigured)
  })

  it('validates the format', () => {
    expect(field.validate('::1')).toEqual([])
    expect(field.validate('nope')).toEqual(['Enter a valid IPv4 or IPv6 address (got "nope").'])
    expect(field.validate(1)).toEqual(['Expected an IP address string, got number.'])
    expect(field.validate('')).toEqual(['This field cannot be blank.'])
  })

  it('types null and default from the options', () => {
    const nullable = new GenericIPAddressField({ null: true })
    const withDefault = new GenericIPAddressField({ default: '127.0.0.1' })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<string>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<string | null>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })
})
