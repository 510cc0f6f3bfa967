import type { Vendor } from '../../backends/base/base-connection.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'
import { rejectNul } from './text-nul.js'

function serialize(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    // cycles and BigInts throw; the caller words the error
    return undefined
  }
}

/**
 * Any JSON value: JSONB on PostgreSQL, TEXT on SQLite. The value type is `unknown` unless you give
 * one, either as the first type argument or, keeping inference of `null` / `default`, with
 * `.$type<T>()`. SQL NULL is `null`; a JSON `null` inside an object or array is kept as is.
 *
 * @example
 * ```ts
 * tags: new JSONField({ default: () => [] }).$type<string[]>()
 * ```
 */
export class JSONField<T = unknown, const O extends FieldOptions<T> = FieldOptions<T>> extends Field<
  T,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'JSONField'

  constructor(options?: O) {
    super(options)
  }

  /**
   * The same field, typed as holding `U` (types only: nothing is checked at run time).
   *
   * @example
   * ```ts
   * settings: new JSONField({ null: true }).$type<{ theme: 'dark' | 'light' }>()
   * ```
   */
  $type<U>(): JSONField<U, O & FieldOptions<U>> {
    return this as unknown as JSONField<U, O & FieldOptions<U>>
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'jsonb' : 'text'
  }

  override getDefault(): T | null {
    const value = super.getDefault()
    // a default given as a literal object would otherwise be shared, and mutated, by every instance
    return typeof value === 'object' && value !== null ? structuredClone(value) : value
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    // a string param on PG too: pg would send a JS array as a PG array literal, not as JSON
    const text = this.serializeOrThrow(value)
    rejectUnstorableJsonText(this.describe(), value)
    return text
  }

  override fromDb(value: unknown, vendor: Vendor): T | null {
    if (value === null || value === undefined) return null
    // pg parses JSONB itself, and a JSON string comes back as a plain JS string that must stay one
    if (vendor === 'postgresql' || typeof value !== 'string') return value as T
    return JSON.parse(value) as T
  }

  override clean(value: unknown): T {
    this.serializeOrThrow(value)
    return value as T
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value !== null && value !== undefined && serialize(value) === undefined) {
      errors.push('Value is not JSON serializable (it holds a cycle, a BigInt, a function or a symbol).')
    }
    return errors
  }

  private serializeOrThrow(value: unknown): string {
    const text = serialize(value)
    if (text === undefined) {
      throw new TypeError(
        `${this.kind} expects a JSON-serializable value, got ${typeof value === 'object' ? 'an object JSON.stringify cannot serialize' : typeof value}`,
      )
    }
    return text
  }
}

/** NUL and lone surrogates in a JSON value's strings and keys (jsonb refuses both), at any depth. */
function rejectUnstorableJsonText(where: string, value: unknown, depth = 0): void {
  if (typeof value === 'string') rejectNul(where, value)
  else if (Array.isArray(value)) for (const item of value) rejectUnstorableJsonText(where, item, depth + 1)
  else if (value !== null && typeof value === 'object' && depth < 1000) {
    for (const [key, item] of Object.entries(value)) {
      rejectNul(`${where} (key)`, key)
      rejectUnstorableJsonText(where, item, depth + 1)
    }
  }
}
