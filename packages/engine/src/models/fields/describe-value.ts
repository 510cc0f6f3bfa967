/** A user value as error messages show it (not re-exported: an internal helper of the fields and lookups). */

/**
 * The value as JSON where it has a JSON form, else a readable stand-in; never throws (a BigInt,
 * a cycle or a symbol would make JSON.stringify throw or return undefined, hiding the real error).
 *
 * @example
 * ```ts
 * describeValue(2n ** 64n) // '18446744073709551616n'
 * describeValue('x')       // '"x"'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
