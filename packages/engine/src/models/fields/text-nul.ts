/** NUL characters and lone surrogates in text values (not re-exported: an internal check of the text fields and lookups). */
import { DataError } from '../../errors.js'

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Throws a DataError for a string holding a lone surrogate (no backend can store it: UTF-8 has no
 * form for it) or NUL (U+0000), on every vendor alike: PostgreSQL cannot
 * store it in text, libsql hands such a value back cut at the NUL, and SQLite's LIKE / GLOB stop at
 * it, so the value would neither round-trip nor match.
 *
 * @example
 * ```ts
 * rejectNul('conf.Blob.body', 'a\u0000b') // throws DataError
 * ```
 */
export function rejectNul(where: string, value: unknown): void {
  if (typeof value !== 'string') return
  if (LONE_SURROGATE.test(value)) {
    throw new DataError(
      `${where}: text cannot contain a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff, e.g. half of an emoji cut by ` +
        'slice()): every backend stores UTF-8, which has no form for it, so the driver would replace it with U+FFFD. ' +
        'Cut strings by code points (Array.from(value)) or check value.isWellFormed() first.',
    )
  }
  if (value.includes('\u0000')) {
    throw new DataError(
      `${where}: text cannot contain NUL (\\u0000) characters: PostgreSQL rejects them, libsql cuts the value ` +
        "at the first one and SQLite's LIKE/GLOB stop at it. Remove them (value.replaceAll('\\u0000', '')) " +
        'or keep raw bytes in a BinaryField.',
    )
  }
}
