/**
 * DateField, DateTimeField and TimeField. A calendar date and a wall-clock time are strings
 * ('2024-01-15', '13:45:00') because a JS Date is an instant and would drag a time zone into them;
 * DateTimeField is the one that holds an instant, as a Date.
 */
import type { Vendor } from '../../backends/base/base-connection.js'
import { DataError, ImproperlyConfigured } from '../../errors.js'
import { readIsoInstant } from '../../text/iso-instant.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

/**
 * Options of DateField and DateTimeField: the usual ones plus `autoNow` / `autoNowAdd`.
 *
 * @example
 * ```ts
 * const options: AutoNowOptions<Date> = { autoNowAdd: true }
 * ```
 */
export interface AutoNowOptions<T> extends FieldOptions<T> {
  /** Set to now on every `save()` (an `updatedAt`). */
  autoNow?: boolean
  /** Set to now when `save()` inserts the row (a `createdAt`). */
  autoNowAdd?: boolean
}

/**
 * Whether a date field's options give it a value without the caller passing one: a default, or
 * `autoNow` / `autoNowAdd` (as a type).
 *
 * @example
 * ```ts
 * type T = AutoNowDefaultOf<{ autoNowAdd: true }> // true
 * ```
 */
export type AutoNowDefaultOf<O> = O extends { autoNow: true } | { autoNowAdd: true } ? true : DefaultOf<O>

/** The options the auto-now helpers read, whatever the value type. */
interface AutoNowFlags {
  autoNow?: boolean
  autoNowAdd?: boolean
  default?: unknown
}

function checkAutoNow(kind: string, options: AutoNowFlags | undefined): void {
  const set = (['autoNow', 'autoNowAdd', 'default'] as const).filter((key) =>
    key === 'default' ? options?.default !== undefined : options?.[key] === true,
  )
  if (set.length > 1) {
    throw new ImproperlyConfigured(
      `${kind} takes only one of autoNow, autoNowAdd and default (got ${set.join(', ')}). ` +
        `Example: createdAt: new ${kind}({ autoNowAdd: true }), updatedAt: new ${kind}({ autoNow: true }).`,
    )
  }
}

function appliesOnSave(options: AutoNowFlags, isInsert: boolean): boolean {
  return options.autoNow === true || (options.autoNowAdd === true && isInsert)
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** 'YYYY-MM-DD' from the local calendar parts of `date`. */
function localDate(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function isValidDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  // day 0 of the next month is the last day of this one
  const last = new Date(0)
  last.setUTCFullYear(year, month, 0)
  return day <= last.getUTCDate()
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseDate(text: string): string | undefined {
  const match = DATE.exec(text.trim())
  if (match === null) return undefined
  return isValidDay(Number(match[1]), Number(match[2]), Number(match[3])) ? match[0] : undefined
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * An ISO 8601 instant. Without an offset the text is read as UTC, not as the server's local time:
 * SQLite's CURRENT_TIMESTAMP and datetime() write UTC without one, and the result must not depend
 * on the TZ of the process reading it.
 */
function parseDateTime(text: string): Date | undefined {
  const match = DATE_TIME.exec(text.trim())
  if (match === null) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hours = Number(h)
  const minutes = Number(mi)
  const seconds = Number(s)
  if (!isValidDay(year, month, day) || hours > 23 || minutes > 59 || seconds > 59) return undefined
  let offsetMinutes = 0
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'))
  }
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999
  date.setUTCFullYear(year, month - 1, day)
  // a Date holds milliseconds; PG's microseconds are truncated
  date.setUTCHours(hours, minutes - offsetMinutes, seconds, Number(fraction.slice(0, 3).padEnd(3, '0')))
  return date
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/

/** 'HH:MM[:SS[.ffffff]]' -> 'HH:MM:SS[.ffffff]' without trailing zeros in the fraction, as PG prints it. */
function parseTime(text: string): string | undefined {
  const match = TIME.exec(text.trim())
  if (match === null) return undefined
  const [, h, m, s = '00', fraction = ''] = match
  if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return undefined
  const digits = fraction.replace(/0+$/, '')
  return `${h}:${m}:${s}${digits === '' ? '' : `.${digits}`}`
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date'
  return typeof value === 'string' ? JSON.stringify(value) : typeof value
}

/**
 * A calendar date, held as a 'YYYY-MM-DD' string: DATE on PostgreSQL, TEXT on SQLite. A Date given
 * to `clean()` is read in the process's local time zone (`new Date()` means today here), and so is
 * the Date pg builds for a DATE column. `autoNow` / `autoNowAdd` store today's local date.
 *
 * @example
 * ```ts
 * birthday: new DateField({ null: true })
 * ```
 */
export class DateField<const O extends AutoNowOptions<string> = AutoNowOptions<string>> extends Field<
  string,
  NullOf<O>,
  AutoNowDefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'DateField'

  constructor(options?: O) {
    super(options)
    checkAutoNow(new.target.name, options)
  }

  /** Whether `save()` sets today's date every time. */
  get autoNow(): boolean {
    return (this.options as AutoNowOptions<string>).autoNow === true
  }

  /** Whether `save()` sets today's date when it inserts. */
  get autoNowAdd(): boolean {
    return (this.options as AutoNowOptions<string>).autoNowAdd === true
  }

  override hasDefault(): boolean {
    return super.hasDefault() || this.autoNow || this.autoNowAdd
  }

  override getDefault(): string | null {
    // an unsaved instance already shows the date save() will (re)set, so its type holds before save
    if (this.options.default === undefined && (this.autoNow || this.autoNowAdd)) return localDate(new Date())
    return super.getDefault()
  }

  /**
   * The value `save()` stores for this field, or undefined to keep the instance's own: today for
   * `autoNow`, and for `autoNowAdd` when inserting.
   */
  preSave(isInsert: boolean): string | undefined {
    return appliesOnSave(this.options as AutoNowOptions<string>, isInsert) ? localDate(new Date()) : undefined
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'date' : 'text'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    return this.clean(value)
  }

  override fromDb(value: unknown, _vendor: Vendor): string | null {
    if (value === null || value === undefined) return null
    // pg builds a DATE as local midnight, so the local parts are the stored date
    if (value instanceof Date) return localDate(value)
    const text = String(value)
    // tolerate a full timestamp written into the column by hand: the date is its first 10 characters
    return parseDate(text.slice(0, 10)) ?? text
  }

  override clean(value: unknown): string {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return localDate(value)
    const date = typeof value === 'string' ? parseDate(value) : undefined
    if (date === undefined) {
      throw new TypeError(`${this.kind} expects a 'YYYY-MM-DD' string or a Date, got ${describeValue(value)}`)
    }
    return date
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'string') {
      if (value !== '' && parseDate(value) === undefined) {
        errors.push(`${JSON.stringify(value)} is not a valid date: use YYYY-MM-DD.`)
      }
    } else if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) errors.push('The Date is invalid.')
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a 'YYYY-MM-DD' string, got ${typeof value}.`)
    }
    return errors
  }
}

/**
 * An instant, held as a Date: TIMESTAMP WITH TIME ZONE on PostgreSQL, TEXT on SQLite holding ISO 8601
 * in UTC (`2024-01-15T10:30:00.000Z`, which sorts and compares correctly as text). `clean()` also
 * takes an ISO 8601 string; one without an offset is read as UTC.
 *
 * @example
 * ```ts
 * createdAt: new DateTimeField({ autoNowAdd: true }),
 * updatedAt: new DateTimeField({ autoNow: true }),
 * ```
 */
export class DateTimeField<const O extends AutoNowOptions<Date> = AutoNowOptions<Date>> extends Field<
  Date,
  NullOf<O>,
  AutoNowDefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'DateTimeField'

  constructor(options?: O) {
    super(options)
    checkAutoNow(new.target.name, options)
  }

  /** Whether `save()` sets the current time every time. */
  get autoNow(): boolean {
    return (this.options as AutoNowOptions<Date>).autoNow === true
  }

  /** Whether `save()` sets the current time when it inserts. */
  get autoNowAdd(): boolean {
    return (this.options as AutoNowOptions<Date>).autoNowAdd === true
  }

  override hasDefault(): boolean {
    return super.hasDefault() || this.autoNow || this.autoNowAdd
  }

  override getDefault(): Date | null {
    // an unsaved instance already shows a time, so its type (Date, not undefined) holds before save
    if (this.options.default === undefined && (this.autoNow || this.autoNowAdd)) return new Date()
    return super.getDefault()
  }

  /**
   * The value `save()` stores for this field, or undefined to keep the instance's own: now for
   * `autoNow`, and for `autoNowAdd` when inserting.
   */
  preSave(isInsert: boolean): Date | undefined {
    return appliesOnSave(this.options as AutoNowOptions<Date>, isInsert) ? new Date() : undefined
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'timestamp with time zone' : 'text'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    // UTC text on both: SQLite compares it as text, and pg would otherwise format in the local zone
    const date = this.clean(value)
    const year = date.getUTCFullYear()
    if (year < 1 || year > 9999) {
      throw new DataError(
        `${this.describe()}: ${date.toISOString()} is outside the years 1 to 9999 a DateTimeField stores ` +
          '(SQLite keeps ISO 8601 text with a 4-digit year; a 6-digit one could not be read back).',
      )
    }
    return date.toISOString()
  }

  override fromDb(value: unknown, _vendor: Vendor): Date | null {
    if (value === null || value === undefined) return null
    if (value instanceof Date) return value
    if (typeof value === 'number') return new Date(value)
    // what toDb wrote on SQLite/libsql: read without the general parser's regular expression
    if (typeof value === 'string') {
      const stored = readIsoInstant(value)
      if (stored !== undefined) return stored
    }
    const date = parseDateTime(String(value))
    if (date === undefined) {
      throw new TypeError(`${this.kind} cannot read ${JSON.stringify(value)} from the database as a date and time`)
    }
    return date
  }

  override clean(value: unknown): Date {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value
    const date = typeof value === 'string' ? parseDateTime(value) : undefined
    if (date === undefined) {
      throw new TypeError(`${this.kind} expects a Date or an ISO 8601 string, got ${describeValue(value)}`)
    }
    return date
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) errors.push('The Date is invalid.')
    } else if (typeof value === 'string') {
      if (value !== '' && parseDateTime(value) === undefined) {
        errors.push(`${JSON.stringify(value)} is not a valid ISO 8601 date and time.`)
      }
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a Date, got ${typeof value}.`)
    }
    return errors
  }
}

/**
 * A time of day, held as an 'HH:MM:SS[.ffffff]' string: TIME on PostgreSQL, TEXT on SQLite.
 * `clean()` also takes 'HH:MM' and drops trailing zeros of the fraction, as PostgreSQL prints it.
 *
 * @example
 * ```ts
 * opensAt: new TimeField({ default: '09:00:00' })
 * ```
 */
export class TimeField<const O extends FieldOptions<string> = FieldOptions<string>> extends Field<
  string,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'TimeField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'time' : 'text'
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    return this.clean(value)
  }

  override fromDb(value: unknown, _vendor: Vendor): string | null {
    if (value === null || value === undefined) return null
    const text = String(value)
    return parseTime(text) ?? text
  }

  override clean(value: unknown): string {
    const time = typeof value === 'string' ? parseTime(value) : undefined
    if (time === undefined) {
      throw new TypeError(`${this.kind} expects an 'HH:MM:SS' string, got ${describeValue(value)}`)
    }
    return time
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'string') {
      if (value !== '' && parseTime(value) === undefined) {
        errors.push(`${JSON.stringify(value)} is not a valid time: use HH:MM:SS[.ffffff].`)
      }
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected an 'HH:MM:SS' string, got ${typeof value}.`)
    }
    return errors
  }
}
