import type { Vendor } from '../../backends/base/base-connection.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

// the spellings PostgreSQL accepts for uuid input that people actually use
const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const BARE = /^[0-9a-f]{32}$/i

/** Whether `text` is already lowercase and hyphenated (what PostgreSQL returns and dorm stores). */
function isCanonicalUuid(text: string): boolean {
  if (text.length !== 36) return false
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i)
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

/** The canonical lowercase, hyphenated form, or undefined when `text` is not a UUID. */
function canonicalUuid(text: string): string | undefined {
  let body = text.trim()
  if (body.toLowerCase().startsWith('urn:uuid:')) body = body.slice(9)
  else if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1)
  if (HYPHENATED.test(body)) return body.toLowerCase()
  if (!BARE.test(body)) return undefined
  const hex = body.toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * A UUID, held as its lowercase hyphenated string: UUID on PostgreSQL, VARCHAR(36) on SQLite.
 * `clean()` also takes upper case, braces, `urn:uuid:` and the 32-digit form, and normalises them so
 * equal UUIDs compare equal on SQLite too.
 *
 * @example
 * ```ts
 * import { randomUUID } from 'node:crypto'
 * id: new UUIDField({ primaryKey: true, default: randomUUID })
 * ```
 */
export class UUIDField<const O extends FieldOptions<string> = FieldOptions<string>> extends Field<
  string,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'UUIDField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'uuid' : 'varchar(36)'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    return this.clean(value)
  }

  override fromDb(value: unknown, _vendor: Vendor): string | null {
    if (value === null || value === undefined) return null
    if (typeof value === 'string' && isCanonicalUuid(value)) return value
    const text = String(value)
    return canonicalUuid(text) ?? text
  }

  override clean(value: unknown): string {
    const uuid = typeof value === 'string' ? canonicalUuid(value) : undefined
    if (uuid === undefined) {
      throw new TypeError(
        `${this.kind} expects a UUID string like '123e4567-e89b-12d3-a456-426614174000', got ${JSON.stringify(value) ?? String(value)}`,
      )
    }
    return uuid
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'string') {
      if (value !== '' && canonicalUuid(value) === undefined)
        errors.push(`${JSON.stringify(value)} is not a valid UUID.`)
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a UUID string, got ${typeof value}.`)
    }
    return errors
  }
}
