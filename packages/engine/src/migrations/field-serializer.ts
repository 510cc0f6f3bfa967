/**
 * Turns values, fields, indexes and constraints into TypeScript source for migration files:
 * `new CharField({ maxLength: 100, null: true })`, `new ForeignKey('shop.Customer', { onDelete:
 * 'CASCADE' })`, `new Index({ fields: ['title'], name: 'book_title_idx' })`. Every class it names is
 * recorded in an {@link ImportSet} so the writer imports exactly what the file uses.
 */
import { MigrationError } from '../errors.js'
import type { Constraint, Index } from '../models/constraints.js'
import type { AnyField } from '../models/fields/field.js'
import * as fieldClasses from '../models/fields/index.js'
import { deconstructField } from './field-deconstruction.js'
import { array, call, type Doc, object, print, quoted, text } from './source-layout.js'

/**
 * The names a migration file imports, per module.
 *
 * @example
 * ```ts
 * const imports = new ImportSet()
 * fieldDoc(new CharField({ maxLength: 10 }), imports)
 * imports.engine // Set { 'CharField' }
 * ```
 */
export class ImportSet {
  /** From `@dorm/engine`: field classes, Index, UniqueConstraint, CheckConstraint. */
  readonly engine = new Set<string>()
  /** From `@dorm/engine/migrations`: operations and `migration`. */
  readonly migrations = new Set<string>()
}

/**
 * A value as source: strings (quoted and escaped), finite and special numbers, bigints, booleans,
 * null, arrays, plain objects, Dates (`new Date('...')`) and byte arrays (`new Uint8Array([...])`).
 * Anything else (functions, class instances, symbols) is a MigrationError naming `path`.
 *
 * @example
 * ```ts
 * print(valueDoc({ tags: ['a'], at: new Date(0) })) // "{ tags: ['a'], at: new Date('1970-01-01T00:00:00.000Z') }"
 * ```
 */
export function valueDoc(value: unknown, path = 'value'): Doc {
  if (value === null) return text('null')
  switch (typeof value) {
    case 'string':
      return quoted(value)
    case 'boolean':
      return text(String(value))
    case 'bigint':
      return text(`${value}n`)
    case 'number':
      if (Number.isNaN(value)) return text('Number.NaN')
      if (value === Number.POSITIVE_INFINITY) return text('Number.POSITIVE_INFINITY')
      if (value === Number.NEGATIVE_INFINITY) return text('Number.NEGATIVE_INFINITY')
      return text(Object.is(value, -0) ? '-0' : String(value))
    case 'object':
      break
    default:
      throw unwritable(path, typeof value)
  }
  if (Array.isArray(value)) return array(value.map((item, i) => valueDoc(item, `${path}[${i}]`)))
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw unwritable(path, 'an invalid Date')
    return call('new Date', [quoted(value.toISOString())])
  }
  if (value instanceof Uint8Array) return call('new Uint8Array', [array([...value].map((b) => text(String(b))))])
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    throw unwritable(path, `a ${(value as object).constructor?.name ?? 'class'} instance`)
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => [key, valueDoc(v, `${path}.${key}`)] as const)
  return object(entries)
}

function unwritable(path: string, what: string): MigrationError {
  return new MigrationError(
    `${path} is ${what}, which cannot be written into a migration file. ` +
      'Use a plain value (string, number, boolean, null, array, plain object, Date), or leave it out of the field options.',
  )
}

/**
 * A value's source on one or more lines, as Biome would print it.
 *
 * @example
 * ```ts
 * serializeValue("it's") // "\"it's\""
 * serializeValue([1, null, 'a']) // "[1, null, 'a']"
 * ```
 */
export function serializeValue(value: unknown): string {
  return print(valueDoc(value))
}

/**
 * `new <Kind>(<target>, { ...options })` for a field; records the class in `imports`. Only classes
 * `@dorm/engine` exports can be written (a custom field class is a MigrationError).
 *
 * @example
 * ```ts
 * print(fieldDoc(new ForeignKey('shop.Customer', { onDelete: 'CASCADE' }), new ImportSet()))
 * // "new ForeignKey('shop.Customer', { onDelete: 'CASCADE' })"
 * ```
 */
export function fieldDoc(field: AnyField, imports: ImportSet): Doc {
  const { kind, target, options } = deconstructField(field)
  if (typeof (fieldClasses as Record<string, unknown>)[kind] !== 'function') {
    throw new MigrationError(
      `${field.name ? field.describe() : kind}: makemigrations can only write field classes exported by @dorm/engine, ` +
        `and '${kind}' is not one. Write this operation by hand in the migration, importing the class from your code.`,
    )
  }
  imports.engine.add(kind)
  const args: Doc[] = []
  if (target !== undefined) args.push(quoted(target))
  const where = field.name ? field.describe() : kind
  const entries = Object.entries(options).map(
    ([key, value]) => [key, valueDoc(value, `${where} option ${key}`)] as const,
  )
  if (entries.length > 0) args.push(object(entries))
  return call(`new ${kind}`, args)
}

/**
 * `new Index({ fields, name, unique?, condition? })`; records `Index` in `imports`.
 *
 * @example
 * ```ts
 * print(indexDoc(new Index({ fields: ['title'], name: 'book_title_idx' }), new ImportSet()))
 * // "new Index({ fields: ['title'], name: 'book_title_idx' })"
 * ```
 */
export function indexDoc(index: Index, imports: ImportSet): Doc {
  imports.engine.add('Index')
  const entries: [string, Doc][] = [
    ['fields', valueDoc([...index.fields])],
    ['name', quoted(index.name)],
  ]
  if (index.unique) entries.push(['unique', text('true')])
  if (index.condition !== undefined) entries.push(['condition', quoted(index.condition)])
  return call('new Index', [object(entries)])
}

/**
 * `new UniqueConstraint({ fields, name })` or `new CheckConstraint({ check, name })`; records the
 * class in `imports`.
 *
 * @example
 * ```ts
 * print(constraintDoc(new CheckConstraint({ check: 'total >= 0', name: 'order_total_positive' }), new ImportSet()))
 * // "new CheckConstraint({ check: 'total >= 0', name: 'order_total_positive' })"
 * ```
 */
export function constraintDoc(constraint: Constraint, imports: ImportSet): Doc {
  imports.engine.add(constraint.kind)
  if (constraint.kind === 'UniqueConstraint') {
    return call('new UniqueConstraint', [
      object([
        ['fields', valueDoc([...constraint.fields])],
        ['name', quoted(constraint.name)],
      ]),
    ])
  }
  return call('new CheckConstraint', [
    object([
      ['check', quoted(constraint.check)],
      ['name', quoted(constraint.name)],
    ]),
  ])
}

/**
 * A comparable form of an index or constraint (same name, different definition = changed).
 *
 * @example
 * ```ts
 * definitionKey(new Index({ fields: ['a'], name: 'i' })) === definitionKey(new Index({ fields: ['b'], name: 'i' })) // false
 * ```
 */
export function definitionKey(item: Index | Constraint): string {
  const imports = new ImportSet()
  return print(item.kind === 'Index' ? indexDoc(item, imports) : constraintDoc(item, imports))
}
