import { Buffer } from 'node:buffer'
import type { Vendor } from '../../backends/base/base-connection.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

/**
 * Options of BinaryField.
 *
 * @example
 * ```ts
 * const options: BinaryFieldOptions = { null: true, maxLength: 1024 }
 * ```
 */
export interface BinaryFieldOptions extends FieldOptions<Uint8Array> {
  /** Largest size in bytes, checked by `fullClean()` (the column itself is unbounded). */
  maxLength?: number
}

/** A Buffer over the same bytes (no copy), or undefined for anything that is not bytes. */
function toBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return Buffer.from(value)
  return undefined
}

/**
 * Raw bytes: BYTEA on PostgreSQL, BLOB on SQLite. Takes a Uint8Array (a Buffer is one) and reads
 * back a Buffer on every vendor.
 *
 * @example
 * ```ts
 * thumbnail: new BinaryField({ null: true, maxLength: 65_536 })
 * ```
 */
export class BinaryField<const O extends BinaryFieldOptions = BinaryFieldOptions> extends Field<
  Uint8Array,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'BinaryField'

  constructor(options?: O) {
    super(options)
  }

  /** The size limit `fullClean()` checks, if any. */
  get maxLength(): number | undefined {
    return (this.options as BinaryFieldOptions).maxLength
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'bytea' : 'blob'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    // better-sqlite3 binds only Buffers among byte views
    return this.clean(value)
  }

  override fromDb(value: unknown, _vendor: Vendor): Buffer | null {
    if (value === null || value === undefined) return null
    const bytes = toBuffer(value)
    if (bytes !== undefined) return bytes
    // BYTEA's hex text form, should a custom type parser have left it as text
    if (typeof value === 'string' && value.startsWith('\\x')) return Buffer.from(value.slice(2), 'hex')
    throw new TypeError(`${this.kind} cannot read ${typeof value} from the database as bytes`)
  }

  override clean(value: unknown): Buffer {
    const bytes = toBuffer(value)
    if (bytes === undefined) {
      throw new TypeError(`${this.kind} expects a Buffer, Uint8Array or ArrayBuffer, got ${typeof value}`)
    }
    return bytes
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value === null || value === undefined) return errors
    const bytes = toBuffer(value)
    if (bytes === undefined) errors.push(`Expected bytes (a Buffer or Uint8Array), got ${typeof value}.`)
    else if (this.maxLength !== undefined && bytes.byteLength > this.maxLength) {
      errors.push(`Ensure this value has at most ${this.maxLength} bytes (it has ${bytes.byteLength}).`)
    }
    return errors
  }
}
