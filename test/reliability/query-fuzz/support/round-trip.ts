/**
 * Whether a value read back from the database is the value that was written, per field kind:
 * exact for text, numbers (0 and -0 compare equal: SQLite keeps no negative zero), dates to the
 * millisecond, decimals by their canonical digits, JSON deeply (object key order aside: jsonb
 * sorts keys).
 *
 * @example
 * ```ts
 * sameStoredValue('dec', '1.500000', '1.5') // true
 * ```
 */
import type { ItemFieldName } from './fuzz-models.js'

const BOOLEAN_SPELLINGS = new Map<unknown, boolean>([
  [1, true],
  [0, false],
  ['t', true],
  ['f', false],
  ['true', true],
  ['false', false],
])

function canonicalDecimal(value: unknown): string | null {
  const text = String(value).trim()
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (match === null) return null
  const whole = (match[2] ?? '').replace(/^0+/, '') || '0'
  const fraction = (match[3] ?? '').replace(/0+$/, '')
  const digits = fraction === '' ? whole : `${whole}.${fraction}`
  return digits === '0' ? '0' : `${match[1] === '-' ? '-' : ''}${digits}`
}

/** A decimal string rounded half away from zero to `places` decimal places (other values as they are). */
function roundDecimal(value: unknown, places: number): unknown {
  const match = typeof value === 'string' ? /^\s*([+-]?)(\d*)\.(\d+)\s*$/.exec(value) : null
  if (match === null || (match[3] ?? '').length <= places) return value
  const fraction = match[3] ?? ''
  const scaled = BigInt(`${match[2] || '0'}${fraction.slice(0, places)}`)
  const rounded = Number(fraction[places]) >= 5 ? scaled + 1n : scaled
  const digits = rounded.toString().padStart(places + 1, '0')
  return `${match[1]}${digits.slice(0, -places)}.${digits.slice(-places)}`
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]))
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keysA = Object.keys(a).sort()
    const keysB = Object.keys(b).sort()
    return (
      JSON.stringify(keysA) === JSON.stringify(keysB) &&
      keysA.every((key) => sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    )
  }
  return a === b
}

/** Whether `read` (what the ORM returned) equals `written` for a field of this kind. */
export function sameStoredValue(field: Exclude<ItemFieldName, 'owner'>, read: unknown, written: unknown): boolean {
  switch (field) {
    case 'char':
    case 'text':
      return read === written
    case 'flag':
      // BooleanField takes true/false and the documented spellings 1/0, 't'/'f', 'true'/'false'
      return read === (BOOLEAN_SPELLINGS.get(written) ?? written)
    case 'int':
    case 'big':
    case 'flt':
      if (typeof written === 'bigint')
        return typeof read === 'number' && Number.isSafeInteger(read) && BigInt(read) === written
      return read === written
    case 'dec':
      // numeric(20, 6) keeps 6 decimal places: more are rounded (half away from zero), as PostgreSQL does
      return canonicalDecimal(read) !== null && canonicalDecimal(read) === canonicalDecimal(roundDecimal(written, 6))
    case 'at':
      return read instanceof Date && written instanceof Date && read.getTime() === written.getTime()
    case 'data':
      return sameJson(read, written)
  }
}
