import type { Vendor } from '../../backends/base/base-connection.js'
import { DataError } from '../../errors.js'
import { describeValue } from './describe-value.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

/**
 * A floating-point number: DOUBLE PRECISION on PostgreSQL (a JS number is a double, so nothing is
 * lost on the way), REAL on SQLite (8 bytes there too). Use DecimalField for money.
 *
 * @example
 * ```ts
 * rating: new FloatField({ null: true })
 * ```
 */
export class FloatField<const O extends FieldOptions<number> = FieldOptions<number>> extends Field<
  number,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'FloatField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'double precision' : 'real'
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    const n = this.clean(value)
    if (vendor === 'libsql' && !Number.isFinite(n)) {
      throw new DataError(
        `${this.describe()}: libsql cannot store or compare ${n} (its client binds finite numbers only). ` +
          'Use null, or Number.MAX_VALUE / -Number.MAX_VALUE as a stand-in.',
      )
    }
    return n
  }

  override fromDb(value: unknown, _vendor: Vendor): number | null {
    // pg gives numbers for float8, but 'NaN'/'Infinity' strings survive a custom type parser
    return value === null || value === undefined ? null : Number(value)
  }

  override clean(value: unknown): number {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    // SQLite stores NaN as NULL, so it would come back as a different value: refuse it up front
    if (typeof n !== 'number' || Number.isNaN(n)) {
      throw new TypeError(`${this.kind} expects a number, got ${describeValue(value)}`)
    }
    return n
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'number') {
      if (Number.isNaN(value)) errors.push('NaN is not a valid number (SQLite would store it as NULL).')
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a number, got ${typeof value}.`)
    }
    return errors
  }
}
