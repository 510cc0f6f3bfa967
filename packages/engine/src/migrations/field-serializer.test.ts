import { describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import { CheckConstraint, Index, UniqueConstraint } from '../models/constraints.js'
import { BigAutoField } from '../models/fields/auto-field.js'
import { BinaryField } from '../models/fields/binary-field.js'
import { CharField, EmailField, TextField } from '../models/fields/char-field.js'
import { DateTimeField } from '../models/fields/date-time-fields.js'
import { DecimalField } from '../models/fields/decimal-field.js'
import { Field } from '../models/fields/field.js'
import { IntegerField } from '../models/fields/integer-field.js'
import { JSONField } from '../models/fields/json-field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import { ForeignKey, OneToOneField } from '../models/fields/related-fields.js'
import { deconstructField, rebuildField } from './field-deconstruction.js'
import { constraintDoc, fieldDoc, ImportSet, indexDoc, serializeValue } from './field-serializer.js'
import { array, call, object, print, quoted, text } from './source-layout.js'

describe('serializeValue', () => {
  it('writes primitives as Biome would', () => {
    expect(serializeValue('plain')).toBe("'plain'")
    expect(serializeValue("it's")).toBe(`"it's"`)
    expect(serializeValue(`it's "quoted"`)).toBe(`'it\\'s "quoted"'`)
    expect(serializeValue('back\\slash\nnew\ttab\u0001')).toBe("'back\\\\slash\\nnew\\ttab\\u0001'")
    expect(serializeValue('héllo ☃')).toBe("'héllo ☃'")
    expect(serializeValue(42)).toBe('42')
    expect(serializeValue(-1.5)).toBe('-1.5')
    expect(serializeValue(-0)).toBe('-0')
    expect(serializeValue(Number.NaN)).toBe('Number.NaN')
    expect(serializeValue(Number.NEGATIVE_INFINITY)).toBe('Number.NEGATIVE_INFINITY')
    expect(serializeValue(10n)).toBe('10n')
    expect(serializeValue(true)).toBe('true')
    expect(serializeValue(null)).toBe('null')
  })

  it('writes arrays, plain objects, dates and bytes', () => {
    expect(serializeValue([1, 'a', null, [true]])).toBe("[1, 'a', null, [true]]")
    expect(serializeValue({ a: 1, 'b-c': [], skipped: undefined, nested: {} })).toBe("{ a: 1, 'b-c': [], nested: {} }")
    expect(serializeValue(Object.assign(Object.create(null), { x: 1 }))).toBe('{ x: 1 }')
    expect(serializeValue(new Date('2024-01-15T10:30:00Z'))).toBe("new Date('2024-01-15T10:30:00.000Z')")
    expect(serializeValue(new Uint8Array([0, 255]))).toBe('new Uint8Array([0, 255])')
  })

  it('puts each pair of a list of pairs on its own line, as Biome does', () => {
    expect(
      serializeValue([
        ['a', 'A'],
        ['b', 'B'],
      ]),
    ).toBe("[\n  ['a', 'A'],\n  ['b', 'B'],\n]")
    expect(serializeValue([['a', 'A']])).toBe("[['a', 'A']]")
    expect(serializeValue([{ a: 1 }, { a: 2 }])).toBe('[{ a: 1 }, { a: 2 }]')
  })

  it('breaks what does not fit in 120 columns, with trailing commas', () => {
    const long = Array.from({ length: 12 }, (_, i) => `value_number_${i}`)
    expect(serializeValue(long)).toBe(`[\n${long.map((v) => `  '${v}',`).join('\n')}\n]`)
  })

  it('refuses what a file cannot hold, naming where it was', () => {
    expect(() => serializeValue(() => 1)).toThrow(MigrationError)
    expect(() => serializeValue({ when: new Date(Number.NaN) })).toThrow(/value\.when is an invalid Date/)
    expect(() => serializeValue([new Map()])).toThrow(/value\[0\] is a Map instance/)
    expect(() => serializeValue(Symbol('s'))).toThrow(/symbol/)
  })
})

describe('fieldDoc', () => {
  const write = (field: Parameters<typeof fieldDoc>[0]) => {
    const imports = new ImportSet()
    return { source: print(fieldDoc(field, imports)), imports: [...imports.engine] }
  }

  it('writes a field as its constructor call and records the import', () => {
    expect(write(new CharField({ maxLength: 100, null: true }))).toEqual({
      source: 'new CharField({ maxLength: 100, null: true })',
      imports: ['CharField'],
    })
    expect(write(new BigAutoField()).source).toBe('new BigAutoField({ primaryKey: true })')
    expect(write(new TextField()).source).toBe('new TextField()')
    expect(write(new EmailField()).source).toBe('new EmailField({ maxLength: 254 })')
    expect(write(new DecimalField({ maxDigits: 10, decimalPlaces: 2, default: '0.00' })).source).toBe(
      "new DecimalField({ maxDigits: 10, decimalPlaces: 2, default: '0.00' })",
    )
    expect(write(new JSONField({ default: { tags: ['a'] } })).source).toBe(
      "new JSONField({ default: { tags: ['a'] } })",
    )
    expect(write(new BinaryField({ null: true, default: new Uint8Array([1]) })).source).toBe(
      'new BinaryField({ null: true, default: new Uint8Array([1]) })',
    )
  })

  it('leaves out validators, helpText, editable and function defaults', () => {
    const field = new IntegerField({
      default: () => 3,
      validators: [(v: number) => (v > 0 ? undefined : 'no')],
      helpText: 'help',
      editable: false,
      dbIndex: true,
    })
    expect(write(field).source).toBe('new IntegerField({ dbIndex: true })')
    expect(deconstructField(new DateTimeField({ default: () => new Date() }))).toEqual({
      kind: 'DateTimeField',
      options: {},
    })
  })

  it('writes relations with their target as a label', () => {
    expect(write(new ForeignKey('shop.Customer', { onDelete: 'CASCADE', relatedName: 'orders' })).source).toBe(
      "new ForeignKey('shop.Customer', { onDelete: 'CASCADE', relatedName: 'orders' })",
    )
    expect(write(new OneToOneField('auth.User', { onDelete: 'PROTECT' })).source).toBe(
      "new OneToOneField('auth.User', { onDelete: 'PROTECT' })",
    )
    expect(write(new ManyToManyField('shop.Tag')).source).toBe("new ManyToManyField('shop.Tag')")
  })

  it('rebuilds a field with a label target without resolving it', () => {
    const rebuilt = rebuildField(
      rebuildField(new ForeignKey('nowhere.Missing', { onDelete: 'SET_NULL', null: true }), { dbIndex: false }),
    )
    expect(rebuilt).toBeInstanceOf(ForeignKey)
    expect(deconstructField(rebuilt)).toEqual({
      kind: 'ForeignKey',
      target: 'nowhere.Missing',
      options: { onDelete: 'SET_NULL', null: true, dbIndex: false },
    })
  })

  it('refuses a field class @dorm/engine does not export', () => {
    class MoneyField extends Field<number> {
      readonly kind = 'MoneyField'
      dbType(): string {
        return 'numeric(12, 2)'
      }
    }
    expect(() => write(new MoneyField())).toThrow(/only write field classes exported by @dorm\/engine.*'MoneyField'/)
  })
})

describe('indexDoc and constraintDoc', () => {
  it('write indexes and constraints with only the options that are set', () => {
    const imports = new ImportSet()
    expect(print(indexDoc(new Index({ fields: ['title'], name: 'book_title_idx' }), imports))).toBe(
      "new Index({ fields: ['title'], name: 'book_title_idx' })",
    )
    expect(
      print(indexDoc(new Index({ fields: ['-at'], name: 'i', unique: true, condition: "state = 'live'" }), imports)),
    ).toBe(`new Index({ fields: ['-at'], name: 'i', unique: true, condition: "state = 'live'" })`)
    expect(print(constraintDoc(new UniqueConstraint({ fields: ['a', 'b'], name: 'u' }), imports))).toBe(
      "new UniqueConstraint({ fields: ['a', 'b'], name: 'u' })",
    )
    expect(print(constraintDoc(new CheckConstraint({ check: 'pages >= 0', name: 'c' }), imports))).toBe(
      "new CheckConstraint({ check: 'pages >= 0', name: 'c' })",
    )
    expect([...imports.engine].sort()).toEqual(['CheckConstraint', 'Index', 'UniqueConstraint'])
  })
})

describe('the layout', () => {
  it('hugs a sole or last object argument and breaks the rest', () => {
    const props = Array.from({ length: 8 }, (_, i) => [`option${i}`, quoted(`value ${i}`)] as const)
    expect(print(call('new Thing', [quoted('shop.Customer'), object(props)]))).toBe(
      `new Thing('shop.Customer', {\n${props.map(([k, v]) => `  ${k}: ${v.text},`).join('\n')}\n})`,
    )
    const longArgs = Array.from({ length: 8 }, (_, i) => quoted(`argument number ${i}`))
    expect(print(call('f', longArgs))).toBe(`f(\n${longArgs.map((a) => `  ${a.text},`).join('\n')}\n)`)
  })

  it('moves an overflowing string after a long key to the next line, not after a short one', () => {
    const long = quoted('s'.repeat(130))
    expect(print(object([['check', long]]))).toBe(`{\n  check:\n    ${long.text},\n}`)
    expect(print(object([['sql', long]]))).toBe(`{\n  sql: ${long.text},\n}`)
  })

  it('keeps an expanded object expanded and counts what follows on the line', () => {
    expect(print(object([['a', text('1')]], { expand: true }))).toBe('{\n  a: 1,\n}')
    const item = quoted('x'.repeat(114))
    // 2 spaces + 116 characters + the trailing comma is 119: fits
    expect(print(array([item, item]))).toBe(`[\n  ${item.text},\n  ${item.text},\n]`)
    expect(print(array([]))).toBe('[]')
    expect(print(object([]))).toBe('{}')
  })
})
