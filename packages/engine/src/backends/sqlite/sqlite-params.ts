/**
 * Turns JS values into what SQLite can bind, the same way for better-sqlite3 and libsql (left alone,
 * the two disagree: better-sqlite3 refuses booleans, libsql binds a Date as epoch milliseconds).
 */
import { Buffer } from 'node:buffer'
import { InvalidParameterError } from './sqlite-errors.js'

function convert(value: unknown, index: number): unknown {
  switch (typeof value) {
    case 'boolean':
      return value ? 1 : 0
    case 'undefined':
      throw new InvalidParameterError(
        `Parameter ${index + 1} is undefined. Pass null for SQL NULL (undefined usually means a missing value).`,
      )
    case 'object':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) {
          throw new InvalidParameterError(`Parameter ${index + 1} is an invalid Date.`)
        }
        // ISO 8601 sorts and compares as text, and SQLite's date functions read it
        return value.toISOString()
      }
      if (value instanceof ArrayBuffer) return Buffer.from(value)
      // better-sqlite3 binds only Buffer among byte views
      if (ArrayBuffer.isView(value) && !Buffer.isBuffer(value)) {
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      }
      return value
    default:
      return value
  }
}

function needsConversion(value: unknown): boolean {
  return (
    typeof value === 'boolean' ||
    value === undefined ||
    (typeof value === 'object' && value !== null && !Buffer.isBuffer(value))
  )
}

/**
 * Positional params ready to bind to `?` placeholders: booleans become 1/0, Dates ISO strings,
 * ArrayBuffers and typed arrays Buffers; `undefined` is refused (pass `null`). Returns the same
 * array when nothing needs converting, so the common case allocates nothing.
 *
 * @example
 * ```ts
 * toSqliteParams([true, new Date(0), null]) // [1, '1970-01-01T00:00:00.000Z', null]
 * ```
 */
export function toSqliteParams(params: readonly unknown[]): readonly unknown[] {
  let converted: unknown[] | undefined
  for (let i = 0; i < params.length; i++) {
    const value = params[i]
    if (converted === undefined) {
      if (!needsConversion(value)) continue
      converted = params.slice(0, i)
    }
    converted.push(convert(value, i))
  }
  return converted ?? params
}
