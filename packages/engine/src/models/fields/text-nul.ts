/** NUL characters in text values (not re-exported: an internal check of the text fields and lookups). */
import { DataError } from '../../errors.js'

/**
 * Throws a DataError for a string holding NUL (U+0000), on every vendor alike: PostgreSQL cannot
 * store it in text, libsql hands such a value back cut at the NUL, and SQLite's LIKE / GLOB stop at
 * it, so the value would neither round-trip nor match.
 *
 * @example
 * ```ts
 * rejectNul('conf.Blob.body', 'a\u0000b') // throws DataError
 * ```
 */
export function rejectNul(where: string, value: unknown): void {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new DataError(
      `${where}: text cannot contain NUL (\\u0000) characters: PostgreSQL rejects them, libsql cuts the value ` +
        "at the first one and SQLite's LIKE/GLOB stop at it. Remove them (value.replaceAll('\\u0000', '')) " +
        'or keep raw bytes in a BinaryField.',
    )
  }
}
