/**
 * Reads fixed-position decimal digits without regular expressions or substrings: the hot path of
 * parsing timestamps that drivers hand back as text, once per row and column.
 *
 * @example
 * ```ts
 * asciiDigits('2026-11-27', 0, 4) // 2026
 * asciiDigits('20x6', 0, 4) // -1
 * ```
 */

const ZERO = 48

/** The digits of `text` from `start` to `end` (exclusive) as a number, or -1 when one is not a digit. */
export function asciiDigits(text: string, start: number, end: number): number {
  let value = 0
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}
