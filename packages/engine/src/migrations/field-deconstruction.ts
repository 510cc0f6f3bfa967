/**
 * What a field looks like to makemigrations: the options a migration file can hold, a relation's
 * target as an `'app.Model'` label (migration files never import models), and the part of a field
 * that shapes the database, which is what decides whether a field changed.
 */
import type { AnyField } from '../models/fields/field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { withModelResolver } from '../models/registry.js'

/**
 * Options a migration never records: they live only in the model code, hold functions, and change
 * nothing in the database. A function `default` is left out too (see {@link deconstructField}).
 *
 * @example
 * ```ts
 * UNWRITTEN_OPTIONS.includes('helpText') // true
 * ```
 */
export const UNWRITTEN_OPTIONS: readonly string[] = ['validators', 'helpText', 'editable']

/** A field as a migration writes it. */
export interface DeconstructedField {
  /** The class name (`CharField`), exported by `@dorm/engine`. */
  readonly kind: string
  /** The relation target as a label (`'shop.Customer'`), for ForeignKey, OneToOneField, ManyToManyField. */
  readonly target?: string
  /** The options to pass to the constructor, undefined values and unwritten options removed. */
  readonly options: Readonly<Record<string, unknown>>
}

interface RelationLike {
  readonly relatedModel: ModelClassLike
}

// fields rebuilt here point at labels; reading the label back must not resolve it through the registry
const targets = new WeakMap<AnyField, string>()

/**
 * The writable form of `field`: `deconstruct()` without validators, helpText, editable and
 * function-valued options (a `default: () => new Date()` cannot be written into a file; the model
 * keeps applying it), with the relation target split out as a label.
 *
 * @example
 * ```ts
 * deconstructField(new CharField({ maxLength: 100, helpText: 'shown in forms' }))
 * // { kind: 'CharField', options: { maxLength: 100 } }
 * ```
 */
export function deconstructField(field: AnyField): DeconstructedField {
  let target: string | undefined
  let raw: Readonly<Record<string, unknown>>
  if (field.isRelation) {
    const known = targets.get(field)
    // deconstruct() resolves the target through the registry; a rebuilt field already knows its label
    const all = known === undefined ? relationOptions(field) : field.options
    const { to, ...options } = all as Record<string, unknown> & { to?: string }
    target = known ?? to
    raw = options
  } else {
    raw = field.deconstruct().options as Record<string, unknown>
  }
  const options: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || typeof value === 'function' || UNWRITTEN_OPTIONS.includes(key)) continue
    options[key] = value
  }
  return target === undefined ? { kind: field.kind, options } : { kind: field.kind, target, options }
}

/**
 * `deconstruct()` of a relation. A field built by hand with a label (`new ForeignKey('shop.Customer',
 * ...)`, as migration files do) whose model is not defined in this process resolves to a stand-in
 * that carries only the label: writing it needs nothing else.
 */
function relationOptions(field: AnyField): Readonly<Record<string, unknown>> {
  try {
    return field.deconstruct().options
  } catch (err) {
    if (field.model !== undefined) throw err
    const options = withModelResolver(
      (label) => ({ meta: { label } }) as unknown as ModelClassLike,
      () => field.deconstruct().options,
    ) as Readonly<Record<string, unknown>>
    if (typeof options.to !== 'string' || options.to.startsWith('undefined.')) throw err
    return options
  }
}

/**
 * A fresh, unbound field equal to what a migration file would build from `field`: same class,
 * the writable options (plus `overrides`), and a relation target given as a label. Operations the
 * autodetector emits hold these, so applying them never touches the model classes.
 *
 * @example
 * ```ts
 * const copy = rebuildField(Book.meta.getField('author')) // new ForeignKey('library.Author', { onDelete: 'CASCADE', ... })
 * ```
 */
export function rebuildField(field: AnyField, overrides: Readonly<Record<string, unknown>> = {}): AnyField {
  const { target, options } = deconstructField(field)
  const merged = { ...options, ...overrides }
  const Ctor = field.constructor as new (...args: unknown[]) => AnyField
  const copy = target === undefined ? new Ctor(merged) : new Ctor(target, merged)
  if (target !== undefined) targets.set(copy, target)
  return copy
}

/**
 * The relation target label of a field (`'shop.Customer'`), or undefined for plain fields.
 *
 * @example
 * ```ts
 * relationTarget(Book.meta.getField('author')) // 'library.Author'
 * ```
 */
export function relationTarget(field: AnyField): string | undefined {
  return field.isRelation ? deconstructField(field).target : undefined
}

/**
 * What the database sees of a bound field, as a comparable string: class, column, nullability,
 * uniqueness, primary key, index, the column type on PostgreSQL and SQLite (which covers maxLength,
 * maxDigits and decimalPlaces), the relation target, and for a many-to-many field its junction table.
 * Options that leave the schema alone (default, choices, blank, relatedName, onDelete, autoNow,
 * autoNowAdd, protocol, BinaryField's maxLength, validators, helpText, editable) are not part of it.
 * `column: false` leaves the column name out too, to compare fields under different names.
 *
 * @example
 * ```ts
 * schemaSignature(before.meta.getField('name')) !== schemaSignature(Customer.meta.getField('name')) // AlterField
 * ```
 */
export function schemaSignature(field: AnyField, options: { column?: boolean } = {}): string {
  const target = field.isRelation ? (field as unknown as RelationLike).relatedModel.meta.label.toLowerCase() : null
  if (!field.concrete) {
    const junction = (field as unknown as { junction?: { table: string } }).junction
    return JSON.stringify({ kind: field.kind, target, table: junction?.table ?? null })
  }
  return JSON.stringify({
    kind: field.kind,
    target,
    column: options.column === false ? null : field.column,
    null: field.nullable,
    unique: field.unique,
    primaryKey: field.primaryKey,
    indexed: field.options.dbIndex ?? field.isRelation,
    types: [field.dbType('postgresql'), field.dbType('sqlite')],
  })
}
