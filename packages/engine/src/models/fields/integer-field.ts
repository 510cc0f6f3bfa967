import type { Vendor } from '../../backends/base/base-connection.js'
import { DataError } from '../../errors.js'
import { describeValue } from './describe-value.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** What each PostgreSQL column type can hold (bigint: what a JS number holds exactly). */
const PG_COLUMN_RANGES = {
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const

const RANGES = {
  SmallIntegerField: [-32768, 32767],
  IntegerField: [-2147483648, 2147483647],
  BigIntegerField: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  PositiveIntegerField: [0, 2147483647],
  PositiveSmallIntegerField: [0, 32767],
  PositiveBigIntegerField: [0, Number.MAX_SAFE_INTEGER],
} as const

/**
 * A whole number. Values outside the column's range fail `fullClean()`.
 *
 * @example
 * ```ts
 * pages: new IntegerField({ default: 0 })
 * ```
 */
export class IntegerField<const O extends FieldOptions<number> = FieldOptions<number>> extends Field<
  number,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: keyof typeof RANGES = 'IntegerField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    if (vendor !== 'postgresql') return 'integer'
    if (this.kind.includes('Small')) return 'smallint'
    if (this.kind.includes('Big')) return 'bigint'
    return 'integer'
  }

  override fromDb(value: unknown): number | null {
    return value === null || value === undefined ? null : Number(value)
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    const n = this.clean(value)
    const columnType = this.dbType('postgresql') as keyof typeof PG_COLUMN_RANGES
    const [low, high] = PG_COLUMN_RANGES[columnType]
    // PostgreSQL's smallint/integer/bigint refuse a wider parameter, also in a WHERE; SQLite columns are 64-bit
    if (vendor === 'postgresql' && (n < low || n > high)) {
      throw new DataError(
        `${this.describe()}: ${n} is outside the range ${low}..${high} of its PostgreSQL column (${columnType}). ` +
          'Use a wider field (BigIntegerField) or check the value first.',
      )
    }
    return n
  }

  override clean(value: unknown): number {
    const n =
      typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : typeof value === 'bigint' && value >= MIN_SAFE && value <= MAX_SAFE
          ? Number(value)
          : value
    if (typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n) && !Number.isSafeInteger(n))) {
      // pg hands int8 back as text, better-sqlite3 rounds it, libsql refuses to read it: it would not come back
      throw new DataError(
        `${this.kind} holds whole numbers within ±${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${describeValue(value)}: ` +
          'beyond that a JavaScript number is not exact. Keep larger values in a DecimalField (a string).',
      )
    }
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new TypeError(`${this.kind} expects an integer, got ${describeValue(value)}`)
    }
    return n
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'number') {
      const [low, high] = RANGES[this.kind]
      if (!Number.isInteger(value)) errors.push(`${value} is not an integer.`)
      else if (value < low || value > high) errors.push(`${value} is outside ${this.kind}'s range ${low}..${high}.`)
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected an integer, got ${typeof value}.`)
    }
    return errors
  }
}

/** smallint. */
export class SmallIntegerField<const O extends FieldOptions<number> = FieldOptions<number>> extends IntegerField<O> {
  override readonly kind = 'SmallIntegerField'
}
/** bigint (numbers within Number.MAX_SAFE_INTEGER). */
export class BigIntegerField<const O extends FieldOptions<number> = FieldOptions<number>> extends IntegerField<O> {
  override readonly kind = 'BigIntegerField'
}
/** integer >= 0. */
export class PositiveIntegerField<const O extends FieldOptions<number> = FieldOptions<number>> extends IntegerField<O> {
  override readonly kind = 'PositiveIntegerField'
}
/** smallint >= 0. */
export class PositiveSmallIntegerField<
  const O extends FieldOptions<number> = FieldOptions<number>,
> extends IntegerField<O> {
  override readonly kind = 'PositiveSmallIntegerField'
}
/** bigint >= 0. */
export class PositiveBigIntegerField<
  const O extends FieldOptions<number> = FieldOptions<number>,
> extends IntegerField<O> {
  override readonly kind = 'PositiveBigIntegerField'
}
