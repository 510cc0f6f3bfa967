import { Buffer } from 'node:buffer'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { BinaryField } from './binary-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('BinaryField', () => {
  const field = new BinaryField()

  it('is BYTEA on PostgreSQL and BLOB on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('bytea')
    expect(field.dbType('sqlite')).toBe('blob')
    expect(field.dbType('libsql')).toBe('blob')
  })

  it('sends Buffers, viewing (not copying) other byte arrays', () => {
    const bytes = new Uint8Array([0, 1, 2, 3]).subarray(1, 3)
    const sent = field.toDb(bytes, 'sqlite') as Buffer
    expect(Buffer.isBuffer(sent)).toBe(true)
    expect([...sent]).toEqual([1, 2])
    expect(sent.buffer).toBe(bytes.buffer)
    expect(field.toDb(new Uint8Array([9]).buffer, 'postgresql')).toEqual(Buffer.from([9]))
    expect(field.toDb(null, 'postgresql')).toBeNull()
  })

  it('reads a Buffer back on every vendor', () => {
    for (const vendor of ['postgresql', 'sqlite', 'libsql'] as const) {
      const read = field.fromDb(field.toDb(Buffer.from('hi'), vendor), vendor)
      expect(Buffer.isBuffer(read)).toBe(true)
      expect(read?.toString()).toBe('hi')
    }
    expect(field.fromDb(new Uint8Array([1, 2]).buffer, 'libsql')).toEqual(Buffer.from([1, 2]))
    expect(field.fromDb('\\x6869', 'postgresql')).toEqual(Buffer.from('hi'))
    expect(field.fromDb(null, 'sqlite')).toBeNull()
    expect(() => field.fromDb(12, 'sqlite')).toThrow('BinaryField cannot read number from the database as bytes')
  })

  it('cleans bytes and names what it got otherwise', () => {
    expect(field.clean(Buffer.from('x'))).toEqual(Buffer.from('x'))
    expect(() => field.clean('x')).toThrow('BinaryField expects a Buffer, Uint8Array or ArrayBuffer, got string')
  })

  it('validates the type and maxLength', () => {
    const small = new BinaryField({ maxLength: 2 })
    expect(small.maxLength).toBe(2)
    expect(small.validate(Buffer.from('ab'))).toEqual([])
    expect(small.validate(Buffer.from('abc'))).toEqual(['Ensure this value has at most 2 bytes (it has 3).'])
    expect(field.validate('abc')).toEqual(['Expected bytes (a Buffer or Uint8Array), got string.'])
    expect(field.validate(null)).toEqual(['This field cannot be null.'])
  })

  it('types null and default from the options', () => {
    const nullable = new BinaryField({ null: true })
    const withDefault = new BinaryField({ default: () => new Uint8Array() })
    expectTypeOf<ValueOf<typeof field>>().toEqualTypeOf<Uint8Array>()
    expectTypeOf<ValueOf<typeof nullable>>().toEqualTypeOf<Uint8Array | null>()
    expectTypeOf(withDefault.__default).toEqualTypeOf<true>()
  })
})
