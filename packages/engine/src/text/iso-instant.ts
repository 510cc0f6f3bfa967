/**
 * Reads the exact text `Date#toISOString()` writes (`2026-11-27T01:23:45.678Z`), which is how a
 * DateTimeField stores instants on SQLite and libsql, with fixed-position digits instead of a
 * regular expression. Anything else (other precisions, offsets, years below 100, impossible dates
 * such as February 30) is left to the general parser by returning undefined.
 *
 * @example
 * ```ts
 * readIsoInstant('2026-11-27T01:23:45.678Z')?.getTime() // 1796261025678
 * readIsoInstant('2026-11-27 01:23:45') // undefined: not this exact form
 * ```
 */
import { asciiDigits } from './ascii-digits.js'

export function readIsoInstant(text: string): Date | undefined {
  if (
    text.length !== 24 ||
    text.charCodeAt(23) !== 90 || // Z
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46
  ) {
    return undefined
  }
  const year = asciiDigits(text, 0, 4)
  const month = asciiDigits(text, 5, 7)
  const day = asciiDigits(text, 8, 10)
  const hour = asciiDigits(text, 11, 13)
  const minute = asciiDigits(text, 14, 16)
  const second = asciiDigits(text, 17, 19)
  const ms = asciiDigits(text, 20, 23)
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return undefined
  }
  if (second < 0 || second > 59 || ms < 0) return undefined
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms))
  // Date.UTC rolls February 30 over into March: such a text is not a real instant
  return date.getUTCDate() === day ? date : undefined
}
