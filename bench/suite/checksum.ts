/**
 * Result checksums that compare contenders returning the same rows in different shapes: key names
 * are compared without case or underscores (`joinedAt` = `joined_at`), dates as epoch
 * milliseconds, numbers, bigints and numeric strings as numbers, booleans as 0/1 (SQLite drivers
 * return integers), JSON text as the parsed value, Decimal objects through their string form.
 */
import { createHash } from 'node:crypto'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/
const NUMERIC = /^-?\d+(\.\d+)?$/

/**
 * The canonical form of a value (see the file comment).
 *
 * @example
 * ```ts
 * canonical({ joinedAt: new Date(0), karma: 5n }) // { joinedat: 0, karma: 5 }
 * ```
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Math.round(value * 100) / 100
  if (typeof value === 'string') {
    if (NUMERIC.test(value)) return Math.round(Number(value) * 100) / 100
    if (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value)
    if (value.startsWith('{') || value.startsWith('[')) {
      try {
        return canonical(JSON.parse(value))
      } catch {
        return value
      }
    }
    return value
  }
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === 'object') {
    const name = value.constructor?.name
    if (name === 'Decimal' || name === 'Decimal2') return canonical(String(value))
    if (Buffer.isBuffer(value)) return value.toString('hex')
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort((a, b) => normalKey(a).localeCompare(normalKey(b)))) {
      out[normalKey(key)] = canonical((value as Record<string, unknown>)[key])
    }
    return out
  }
  return String(value)
}

function normalKey(key: string): string {
  return key.replace(/_/g, '').toLowerCase()
}

/**
 * A short SHA-1 of the canonical form.
 *
 * @example
 * ```ts
 * checksum([{ id: 1 }]) === checksum([{ ID: '1' }]) // true
 * ```
 */
export function checksum(value: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 12)
}
