import { isIP } from 'node:net'
import type { Vendor } from '../../backends/base/base-connection.js'
import { ImproperlyConfigured } from '../../errors.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

/**
 * Which addresses a GenericIPAddressField accepts.
 *
 * @example
 * ```ts
 * const protocol: IPProtocol = 'IPv4'
 * ```
 */
export type IPProtocol = 'both' | 'IPv4' | 'IPv6'

/**
 * Options of GenericIPAddressField.
 *
 * @example
 * ```ts
 * const options: GenericIPAddressFieldOptions = { protocol: 'IPv6', null: true }
 * ```
 */
export interface GenericIPAddressFieldOptions extends FieldOptions<string> {
  /** Default 'both'. */
  protocol?: IPProtocol
}

const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/

/**
 * The address in the form PostgreSQL's INET prints, so both vendors store and compare the same text:
 * IPv6 lowercase and compressed (`2001:db8::1`), an IPv4-mapped one with a dotted tail.
 */
function normalizeIp(text: string, protocol: IPProtocol): string | undefined {
  const address = text.trim()
  // node accepts zone ids (fe80::1%eth0); INET does not
  const version = address.includes('%') ? 0 : isIP(address)
  if (version === 0) return undefined
  if (version === 4) return protocol === 'IPv6' ? undefined : address
  if (protocol === 'IPv4') return undefined
  // the WHATWG URL parser writes IPv6 hosts in the RFC 5952 form
  const compressed = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const mapped = MAPPED_IPV4.exec(compressed)
  if (mapped === null) return compressed
  const high = Number.parseInt(mapped[1] ?? '0', 16)
  const low = Number.parseInt(mapped[2] ?? '0', 16)
  return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

/**
 * An IPv4 or IPv6 address (no prefix length), held as a string: INET on PostgreSQL, VARCHAR(39) on
 * SQLite. `clean()` writes IPv6 lowercase and compressed, so equal addresses compare equal on SQLite.
 *
 * @example
 * ```ts
 * lastLoginIp: new GenericIPAddressField({ null: true, protocol: 'both' })
 * ```
 */
export class GenericIPAddressField<
  const O extends GenericIPAddressFieldOptions = GenericIPAddressFieldOptions,
> extends Field<string, NullOf<O>, DefaultOf<O>, PkOf<O>> {
  readonly kind: string = 'GenericIPAddressField'
  readonly protocol: IPProtocol

  constructor(options?: O) {
    super(options)
    const protocol = options?.protocol ?? 'both'
    if (protocol !== 'both' && protocol !== 'IPv4' && protocol !== 'IPv6') {
      throw new ImproperlyConfigured(
        `${new.target.name}'s protocol is 'both', 'IPv4' or 'IPv6' (got ${JSON.stringify(protocol)}). ` +
          "Example: new GenericIPAddressField({ protocol: 'IPv4' }).",
      )
    }
    this.protocol = protocol
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'inet' : 'varchar(39)'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    return this.clean(value)
  }

  override fromDb(value: unknown, _vendor: Vendor): string | null {
    return value === null || value === undefined ? null : String(value)
  }

  override clean(value: unknown): string {
    const address = typeof value === 'string' ? normalizeIp(value, this.protocol) : undefined
    if (address === undefined) {
      throw new TypeError(`${this.kind} expects ${this.expected()}, got ${JSON.stringify(value) ?? String(value)}`)
    }
    return address
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'string') {
      if (value !== '' && normalizeIp(value, this.protocol) === undefined) {
        errors.push(`Enter ${this.expected()} (got ${JSON.stringify(value)}).`)
      }
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected an IP address string, got ${typeof value}.`)
    }
    return errors
  }

  private expected(): string {
    if (this.protocol === 'IPv4') return 'a valid IPv4 address'
    if (this.protocol === 'IPv6') return 'a valid IPv6 address'
    return 'a valid IPv4 or IPv6 address'
  }
}
