import type { Vendor } from '../../backends/base/base-connection.js'
import { ImproperlyConfigured } from '../../errors.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'
import { rejectNul } from './text-nul.js'

/** Options of CharField and its kin. */
export interface CharFieldOptions extends FieldOptions<string> {
  maxLength?: number
}

/**
 * A bounded string (VARCHAR(maxLength)). `maxLength` is required for CharField; EmailField (254),
 * URLField (200) and SlugField (50) default it.
 *
 * @example
 * ```ts
 * title: new CharField({ maxLength: 200 })
 * ```
 */
export class CharField<const O extends CharFieldOptions = CharFieldOptions> extends Field<
  string,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'CharField'
  readonly maxLength: number

  constructor(options?: O, defaultMaxLength?: number) {
    super(options)
    const maxLength = options?.maxLength ?? defaultMaxLength
    if (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 1) {
      throw new ImproperlyConfigured(
        `${new.target.name} needs maxLength, a positive integer (got ${JSON.stringify(options?.maxLength)}). ` +
          'Example: new CharField({ maxLength: 100 }), or use TextField for unbounded text.',
      )
    }
    this.maxLength = maxLength
  }

  dbType(_vendor: Vendor): string {
    return `varchar(${this.maxLength})`
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    rejectNul(this.describe(), value)
    return value
  }

  override clean(value: unknown): string {
    if (typeof value !== 'string') throw new TypeError(`${this.kind} expects a string, got ${typeof value}`)
    return value
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'string') {
      if (value.length > this.maxLength) {
        errors.push(`Ensure this value has at most ${this.maxLength} characters (it has ${value.length}).`)
      }
      errors.push(...this.validateFormat(value))
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a string, got ${typeof value}.`)
    }
    return errors
  }

  /** Format checks of subclasses (email, URL, slug). */
  protected validateFormat(_value: string): string[] {
    return []
  }

  override deconstruct() {
    return { kind: this.kind, options: { ...this.options, maxLength: this.maxLength } }
  }
}

/** Unbounded text (TEXT). */
export class TextField<const O extends FieldOptions<string> = FieldOptions<string>> extends Field<
  string,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'TextField'

  constructor(options?: O) {
    super(options)
  }

  dbType(_vendor: Vendor): string {
    return 'text'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    rejectNul(this.describe(), value)
    return value
  }

  override clean(value: unknown): string {
    if (typeof value !== 'string') throw new TypeError(`${this.kind} expects a string, got ${typeof value}`)
    return value
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value !== null && value !== undefined && typeof value !== 'string')
      errors.push(`Expected a string, got ${typeof value}.`)
    return errors
  }
}

/** An email address, VARCHAR(254) by default. */
export class EmailField<const O extends CharFieldOptions = CharFieldOptions> extends CharField<O> {
  override readonly kind: string = 'EmailField'

  constructor(options?: O) {
    super(options, 254)
  }

  protected override validateFormat(value: string): string[] {
    return value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? [] : ['Enter a valid email address.']
  }
}

/** A URL, VARCHAR(200) by default. */
export class URLField<const O extends CharFieldOptions = CharFieldOptions> extends CharField<O> {
  override readonly kind: string = 'URLField'

  constructor(options?: O) {
    super(options, 200)
  }

  protected override validateFormat(value: string): string[] {
    if (value === '') return []
    try {
      const url = new URL(value)
      return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ftp:'
        ? []
        : ['Enter a valid URL.']
    } catch {
      return ['Enter a valid URL.']
    }
  }
}

/** Letters, digits, hyphens and underscores, VARCHAR(50) by default. */
export class SlugField<const O extends CharFieldOptions = CharFieldOptions> extends CharField<O> {
  override readonly kind: string = 'SlugField'

  constructor(options?: O) {
    super(options, 50)
  }

  protected override validateFormat(value: string): string[] {
    return value === '' || /^[-a-zA-Z0-9_]+$/.test(value)
      ? []
      : ['Enter a valid slug (letters, numbers, underscores or hyphens).']
  }
}
