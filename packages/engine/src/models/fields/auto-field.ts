import type { Vendor } from '../../backends/base/base-connection.js'
import { describeValue } from './describe-value.js'
import { Field, type FieldOptions } from './field.js'

/**
 * An integer primary key the database assigns (BIGSERIAL on PostgreSQL, INTEGER PRIMARY KEY
 * AUTOINCREMENT on SQLite). Every model gets `id: new BigAutoField({ primaryKey: true })` unless a
 * field sets `primaryKey`.
 *
 * @example
 * ```ts
 * fields: { id: new BigAutoField({ primaryKey: true }) }
 * ```
 */
export class BigAutoField extends Field<number, false, true, true> {
  readonly kind: string = 'BigAutoField'

  constructor(options: FieldOptions<number> = {}) {
    super({ primaryKey: true, ...options })
  }

  override get generated(): boolean {
    return true
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'bigserial' : 'integer'
  }

  override fromDb(value: unknown): number | null {
    return value === null || value === undefined ? null : Number(value)
  }

  override clean(value: unknown): number {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    // ids stay within Number.MAX_SAFE_INTEGER: a larger number is not exact, and the database would refuse 1e308
    if (typeof n !== 'number' || !Number.isSafeInteger(n))
      throw new TypeError(`expected an integer id within ±${Number.MAX_SAFE_INTEGER}, got ${describeValue(value)}`)
    return n
  }
}

/** A 32-bit auto-incrementing primary key (SERIAL). */
export class AutoField extends BigAutoField {
  override readonly kind: string = 'AutoField'

  override dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'serial' : 'integer'
  }
}
