import { describe, expect, expectTypeOf, it } from 'vitest'
import { JSONField } from './json-field.js'

type ValueOf<F> = F extends { __value: infer T; __null: infer N } ? (N extends true ? T | null : T) : never

describe('JSONField', () => {
  const field = new JSONField()

  it('is JSONB on PostgreSQL and TEXT on SQLite and libsql', () => {
    expect(field.dbType('postgresql')).toBe('jsonb')
    expect(field.dbType('sqlite')).toBe('text')
    expect(field.dbType('libsql')).toBe('text')
  })

  it('sends JSON text on every vendor, so pg does not turn arrays into PG arrays', () => {
    expect(field.toDb([1, 2], 'postgresql')).toBe('[1,2]')
    expect(field.toDb({ a: null }, 'sqlite')).toBe('{"a":null}')
    expect(field.toDb('text', 'postgresql')).toBe('"text"')
    expect(field.toDb(null, 'postgresql')).toBeNull()
  })

  it('takes what pg already parsed, and parses SQLite text', () => {
    expect(field.fromDb({ a: 1 }, 'postgresql')).toEqual({ a: 1 })
    // a JSONB string arrives as a plain JS string and must not be parsed again
    expect(field.fromDb('text', 'postgresql')).toBe('text')
    expect(field.fromDb('{"a":1}', 'sqlite')).toEqual({ a: 1 })
    expect(field.fromDb(null, 'sqlite')).toBeNull()
    for (const vendor of ['sqlite', 'libsql'] as const) {
      for (const value of [[1, 'two', { three: 3 }], 'text', 0, false, { nested: { list: [] } }]) {
        expect(field.fromDb(field.toDb(value, vendor), vendor)).toEqual(value)
      }
    }
  })

  it('cleans serializable values and refuses the rest', () => {
    const value = { a: [1] }
    expect(field.clean(value)).toBe(value)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => field.clean(cyclic)).toThrow(
      'JSONField expects a JSON-serializable value, got an object JSON.stringify cannot serialize',
    )
    expect(() => field.clean(1n)).toThrow(/got bigint/)
    expect(() => field.clean(() => 1)).toThrow(/got function/)
  })

  it('validates serializability', () => {
    expect(field.validate({ a: 1 })).toEqual([])
    expect(field.validate([])).toEqual(['This field cannot be blank.'])
    expect(field.validate(1n)).toEqual([
      'Value is not JSON serializable (it holds a cycle, a BigInt, a function or a symbol).',
    ])
  })

  it('gives every instance its own copy of an object default', () => {
    const withDefault = new JSONField({ default: { tags: [] as string[] } })
    const first = withDefault.getDefault()
    expect(first).toEqual({ tags: [] })
    expect(withDefault.getDefault()).not.toBe(first)
    expect(new JSONField({ default: () => [1] }).getDefault()).toEqual([1])
  })

  it('types the value with a type argument or $type, keeping null and default', () => {
    const untyped = new JSONField({ null: true })
    const typed = new JSONField({ null: true }).$type<{ theme: string }>()
    const tags = new JSONField({ default: () => [] }).$type<string[]>()
    const explicit = new JSONField<number[]>()
    expectTypeOf<ValueOf<typeof untyped>>().toEqualTypeOf<unknown>()
    expectTypeOf<ValueOf<typeof typed>>().toEqualTypeOf<{ theme: string } | null>()
    expectTypeOf<ValueOf<typeof tags>>().toEqualTypeOf<string[]>()
    expectTypeOf(tags.__default).toEqualTypeOf<true>()
    expectTypeOf(typed.__default).toEqualTypeOf<false>()
    expectTypeOf<ValueOf<typeof explicit>>().toEqualTypeOf<number[]>()
  })
})
