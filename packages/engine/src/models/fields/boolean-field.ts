import type { Vendor } from '../../backends/base/base-connection.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

// Django's spellings, so query-string values like ?active=1 or ?active=false clean as expected
const TRUE_TEXT = new Set(['t', 'true', '1'])
const FALSE_TEXT = new Set(['f', 'false', '0'])

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 1 || value === 1n) return true
  if (value === 0 || value === 0n) return false
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase()
    if (TRUE_TEXT.has(text)) return true
    if (FALSE_TEXT.has(text)) return false
  }
  return undefined
}

/**
 * True or false: BOOLEAN on PostgreSQL, INTEGER holding 1/0 on SQLite (which has no boolean type).
 *
 * @example
 * ```ts
 * isActive: new BooleanField({ default: true })
 * ```
 */
export class BooleanField<const O extends FieldOptions<boolean> = FieldOptions<boolean>> extends Field<
  boolean,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'BooleanField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'boolean' : 'integer'
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    const flag = this.clean(value)
    if (vendor === 'postgresql') return flag
    return flag ? 1 : 0
  }

  override fromDb(value: unknown, _vendor: Vendor): boolean | null {
    if (value === null || value === undefined) return null
    const flag = toBoolean(value)
    if (flag !== undefined) return flag
    // a SQLite INTEGER column can hold any number when written outside dorm; read it the C way
    if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n
    throw new TypeError(`${this.kind} cannot read ${JSON.stringify(value)} from the database as a boolean`)
  }

  override clean(value: unknown): boolean {
    const flag = toBoolean(value)
    if (flag === undefined) {
      throw new TypeError(`${this.kind} expects true or false (or 1/0, 't'/'f'), got ${describeValue(value)}`)
    }
    return flag
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value !== null && value !== undefined && typeof value !== 'boolean') {
      errors.push(`Expected true or false, got ${typeof value}.`)
    }
    return errors
  }
}

function describeValue(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value))
}
