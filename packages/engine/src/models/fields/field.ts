/**
 * The base of every model field. A field knows its column, its database type per vendor, how a JS
 * value travels to the driver and back, its default and its validation. The type parameters are
 * phantom: they carry the value type, nullability and whether a default exists, so rows, inits
 * and lookups are typed from the field map.
 */
import type { Vendor } from '../../backends/base/base-connection.js'
import { ImproperlyConfigured } from '../../errors.js'

/** A choice: a bare value or `[value, label]`. */
export type Choice<T> = T | readonly [T, string]

/** Options every field accepts. */
export interface FieldOptions<T = unknown> {
  primaryKey?: boolean
  /** NULL allowed in the database (and `null` in TypeScript). */
  null?: boolean
  /** An empty value is allowed by `fullClean()`. */
  blank?: boolean
  unique?: boolean
  /** Create an index on the column (ForeignKey fields are indexed unless this is false). */
  dbIndex?: boolean
  /** A value or a function returning a fresh one (use a function for objects and arrays). */
  default?: T | (() => T)
  /** Column name; default the snake_case of the field name. */
  dbColumn?: string
  choices?: readonly Choice<T>[]
  /** Extra checks run by `fullClean()`; throw or return a message to reject the value. */
  // biome-ignore lint/suspicious/noConfusingVoidType: validators that only throw return nothing
  validators?: ReadonlyArray<(value: T) => string | undefined | void>
  /** false: left out of forms and of `fullClean()`. */
  editable?: boolean
  helpText?: string
}

/** `publishedAt` -> `published_at`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
}

/** Whether `options` has a `null: true` (as a type). */
export type NullOf<O> = O extends { null: true } ? true : false
/** Whether `options` makes the field the primary key (as a type). */
export type PkOf<O> = O extends { primaryKey: true } ? true : false
/** Whether `options` gives a default (as a type). A primary key needs a value unless the database makes it (auto fields). */
export type DefaultOf<O> = O extends { default: unknown } ? true : false

/** The marker a model definition reads to build the `id` primary key and the registry. */
export interface FieldOwner {
  readonly meta: { readonly label: string; readonly dbTable: string; readonly abstract?: boolean }
}

/**
 * A model field. Subclasses set `kind` and override the conversions they need.
 *
 * @example
 * ```ts
 * class SlugField extends CharField { override readonly kind = 'SlugField' }
 * ```
 */
export abstract class Field<
  T = unknown,
  N extends boolean = boolean,
  D extends boolean = boolean,
  P extends boolean = false,
> {
  /** Phantom markers for the type system; never set at run time. */
  declare readonly __value: T
  declare readonly __null: N
  declare readonly __default: D
  declare readonly __pk: P

  /** The class name shown in errors, migrations and lint output (`CharField`). */
  abstract readonly kind: string
  readonly options: Readonly<FieldOptions<T>>
  /** Set when the model is defined. */
  name = ''
  column = ''
  model: FieldOwner | undefined

  constructor(options: FieldOptions<T> = {}) {
    this.options = Object.freeze({ ...options })
  }

  get primaryKey(): boolean {
    return this.options.primaryKey === true
  }

  get nullable(): boolean {
    return this.options.null === true
  }

  get unique(): boolean {
    return this.options.unique === true || this.primaryKey
  }

  /** Whether the database generates the value on insert (auto fields). */
  get generated(): boolean {
    return false
  }

  /** Relations override this. */
  get isRelation(): boolean {
    return false
  }

  /** Whether the field has a column on its model's table (many-to-many fields do not). */
  get concrete(): boolean {
    return true
  }

  /** Called by `defineModel` with the field's name on the model. */
  bind(model: FieldOwner, name: string): void {
    this.model = model
    this.name = name
    this.column = this.options.dbColumn ?? this.defaultColumn(name)
  }

  /**
   * Called by `defineModel` once the model class exists, for fields that add to it (FileField
   * defines its accessor on the prototype). Most fields add nothing.
   */
  contributeToClass(_model: FieldOwner & { readonly prototype: object }): void {}

  protected defaultColumn(name: string): string {
    return snakeCase(name)
  }

  /** The column type on `vendor` (without NULL / constraints). */
  abstract dbType(vendor: Vendor): string

  hasDefault(): boolean {
    return this.options.default !== undefined
  }

  /** A fresh default value (calls the default function each time). */
  getDefault(): T | null {
    const d = this.options.default
    if (d === undefined) return this.nullable ? null : (undefined as unknown as T)
    return typeof d === 'function' ? (d as () => T)() : d
  }

  /** JS value -> driver param. `null` passes through. */
  toDb(value: unknown, _vendor: Vendor): unknown {
    return value
  }

  /** Driver value -> JS value. `null` passes through. */
  fromDb(value: unknown, _vendor: Vendor): T | null {
    return value as T | null
  }

  /**
   * Turns a user value into the field's type or throws a message (used for lookups and saves);
   * the default accepts anything.
   */
  clean(value: unknown): T {
    return value as T
  }

  /** Messages for a bad value (`fullClean()`), empty when fine. */
  validate(value: unknown): string[] {
    const errors: string[] = []
    if (value === null || value === undefined) {
      if (!this.nullable && !this.generated && !this.hasDefault()) errors.push('This field cannot be null.')
      return errors
    }
    if ((value === '' || (Array.isArray(value) && value.length === 0)) && !this.options.blank) {
      errors.push('This field cannot be blank.')
    }
    const choices = this.options.choices
    if (choices !== undefined && choices.length > 0) {
      const allowed = choices.map((c) => (Array.isArray(c) ? c[0] : c))
      if (!allowed.some((a) => a === value)) {
        errors.push(
          `Value ${JSON.stringify(value)} is not a valid choice. Choices: ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`,
        )
      }
    }
    for (const validator of this.options.validators ?? []) {
      try {
        const message = validator(value as T)
        if (typeof message === 'string') errors.push(message)
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err))
      }
    }
    return errors
  }

  /**
   * An unbound copy of this field, for a model that spreads the fields of an abstract model
   * (`fields: { ...Timestamped.fields, title }`). Relations override it (their target is private).
   */
  clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this
    Object.assign(copy, this)
    copy.name = ''
    copy.column = ''
    copy.model = undefined
    return copy
  }

  /** What migrations record: the class name and the options. */
  deconstruct(): { kind: string; options: Readonly<FieldOptions<T>> } {
    return { kind: this.kind, options: this.options }
  }

  /** `Book.title` for messages. */
  describe(): string {
    const label = this.model?.meta.label ?? '<unbound>'
    return `${label}.${this.name}`
  }

  protected requireOption<K extends keyof this['options']>(key: K, hint: string): void {
    if ((this.options as Record<PropertyKey, unknown>)[key] === undefined) {
      throw new ImproperlyConfigured(`${this.kind} needs the '${String(key)}' option: ${hint}`)
    }
  }
}

/** Any field, for maps and lookups. */
// biome-ignore lint/suspicious/noExplicitAny: the map holds fields of every value type
export type AnyField = Field<any, boolean, boolean, boolean>
