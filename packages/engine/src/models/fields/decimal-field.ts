import type { Vendor } from '../../backends/base/base-connection.js'
import { DataError, ImproperlyConfigured } from '../../errors.js'
import { describeValue } from './describe-value.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

/**
 * Options of DecimalField: the column's precision and scale are required.
 *
 * @example
 * ```ts
 * const options: DecimalFieldOptions = { maxDigits: 10, decimalPlaces: 2, null: true }
 * ```
 */
export interface DecimalFieldOptions extends FieldOptions<string> {
  /** Digits in total, before and after the point (NUMERIC precision). */
  maxDigits: number
  /** Digits after the point (NUMERIC scale). */
  decimalPlaces: number
}

interface ParsedDecimal {
  negative: boolean
  /** Digits before the point, without leading zeros ('0' when none). */
  whole: string
  /** Digits after the point, as written. */
  fraction: string
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i
// String(1e-7) is '1e-7'; far larger exponents are typos or attacks, not amounts
const MAX_EXPONENT = 1000

function parseDecimal(text: string): ParsedDecimal | undefined {
  const match = DECIMAL.exec(text.trim())
  if (match === null) return undefined
  let whole = match[2] ?? ''
  let fraction = match[3] ?? ''
  if (whole === '' && fraction === '') return undefined
  const exponent = match[4] === undefined ? 0 : Number(match[4])
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined
  if (exponent > 0) {
    fraction = fraction.padEnd(exponent, '0')
    whole += fraction.slice(0, exponent)
    fraction = fraction.slice(exponent)
  } else if (exponent < 0) {
    whole = whole.padStart(-exponent, '0')
    fraction = whole.slice(exponent) + fraction
    whole = whole.slice(0, exponent)
  }
  whole = whole.replace(/^0+/, '') || '0'
  const zero = whole === '0' && /^0*$/.test(fraction)
  return { negative: match[1] === '-' && !zero, whole, fraction }
}

/** Pads the fraction to `places`, and drops trailing zeros beyond it (they change nothing). */
function formatDecimal({ negative, whole, fraction }: ParsedDecimal, places: number): string {
  let digits = fraction
  if (digits.length > places) digits = digits.replace(/0+$/, '').padEnd(places, '0')
  else digits = digits.padEnd(places, '0')
  return `${negative ? '-' : ''}${whole}${digits === '' ? '' : `.${digits}`}`
}

/**
 * Whether `text` already reads as {@link formatDecimal} would write it with `places` digits: an
 * optional '-' (never on zero), a whole part without leading zeros, and exactly `places` fraction
 * digits. PostgreSQL's numeric(p, s) output always has this form, so reading it needs no parsing.
 */
function isCanonicalDecimal(text: string, places: number): boolean {
  const length = text.length
  let i = text.charCodeAt(0) === 45 ? 1 : 0
  const wholeStart = i
  while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
  const wholeLength = i - wholeStart
  if (wholeLength === 0 || (wholeLength > 1 && text.charCodeAt(wholeStart) === 48)) return false
  // '-0.xx' is either a negative fraction or a negative zero: let the parser decide
  if (wholeStart === 1 && text.charCodeAt(1) === 48) return false
  if (places === 0) return i === length
  if (text.charCodeAt(i) !== 46 || length - i - 1 !== places) return false
  for (i++; i < length; i++) if (text.charCodeAt(i) < 48 || text.charCodeAt(i) > 57) return false
  return true
}

/**
 * An exact decimal number, NUMERIC(maxDigits, decimalPlaces). The value is a string (`'19.99'`)
 * because a JS number cannot hold most decimals exactly; numbers are accepted on the way in and
 * rounded to `decimalPlaces`. Values read back always have exactly `decimalPlaces` digits after the
 * point, on every vendor. On SQLite the column has NUMERIC affinity, which stores the value as a
 * REAL: exact to 15 significant digits there, as in Django.
 *
 * @example
 * ```ts
 * price: new DecimalField({ maxDigits: 10, decimalPlaces: 2, default: '0.00' })
 * ```
 */
export class DecimalField<const O extends DecimalFieldOptions = DecimalFieldOptions> extends Field<
  string,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'DecimalField'
  readonly maxDigits: number
  readonly decimalPlaces: number

  constructor(options: O) {
    super(options)
    const maxDigits = options?.maxDigits
    const decimalPlaces = options?.decimalPlaces
    if (
      !Number.isInteger(maxDigits) ||
      !Number.isInteger(decimalPlaces) ||
      maxDigits < 1 ||
      decimalPlaces < 0 ||
      decimalPlaces > maxDigits
    ) {
      throw new ImproperlyConfigured(
        `${new.target.name} needs maxDigits (a positive integer) and decimalPlaces (an integer from 0 to maxDigits), ` +
          `got maxDigits=${JSON.stringify(maxDigits)}, decimalPlaces=${JSON.stringify(decimalPlaces)}. ` +
          'Example: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }) holds up to 99999999.99.',
      )
    }
    this.maxDigits = maxDigits
    this.decimalPlaces = decimalPlaces
  }

  dbType(_vendor: Vendor): string {
    return `numeric(${this.maxDigits}, ${this.decimalPlaces})`
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    // a string param on both vendors: PG parses it exactly, SQLite's NUMERIC affinity converts it
    const text = this.clean(value)
    // more whole digits than numeric(maxDigits, decimalPlaces) holds: PostgreSQL would fail with "numeric field overflow"
    const maxWhole = this.maxDigits - this.decimalPlaces
    const whole = /^[+-]?0*(\d*)/.exec(text)?.[1] ?? ''
    if (!/e/i.test(text) && whole.length > maxWhole) {
      throw new DataError(
        `${this.describe()}: ${describeValue(value)} has ${whole.length} digits before the decimal point; ` +
          `numeric(${this.maxDigits}, ${this.decimalPlaces}) holds ${maxWhole}. Raise maxDigits (a migration) or check the value first.`,
      )
    }
    if (vendor !== 'postgresql' && !fitsSqliteReal(text)) {
      throw new DataError(
        `${this.describe()}: ${describeValue(value)} has more than 15 significant digits (or is out of range), and SQLite's NUMERIC ` +
          'columns keep decimals as 8-byte REALs, exact to 15 digits only: it would come back changed. ' +
          'Use PostgreSQL for wider decimals, or keep the value as text in a CharField.',
      )
    }
    return text
  }

  override fromDb(value: unknown, _vendor: Vendor): string | null {
    if (value === null || value === undefined) return null
    // SQLite's NUMERIC affinity hands back 12.5 or 10 for '12.50' / '10.00'
    if (typeof value === 'number') return this.fromNumber(value) ?? String(value)
    if (typeof value === 'string' && isCanonicalDecimal(value, this.decimalPlaces)) return value
    const parsed = parseDecimal(String(value))
    // PG's numeric can hold 'NaN'; show it as is rather than failing the whole row
    return parsed === undefined ? String(value) : formatDecimal(parsed, this.decimalPlaces)
  }

  override clean(value: unknown): string {
    let result: string | undefined
    if (typeof value === 'number') result = this.fromNumber(value)
    else if (typeof value === 'bigint') result = this.fromText(value.toString())
    else if (typeof value === 'string') result = this.fromText(value)
    if (result === undefined) {
      throw new TypeError(
        `${this.kind} expects a decimal string like '12.50' or a finite number, got ${describeValue(value)}`,
      )
    }
    return result
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (value === null || value === undefined) return errors
    let parsed: ParsedDecimal | undefined
    // a number is checked as written (String(1.234) is '1.234'), before clean() would round it
    if (typeof value === 'number') parsed = Number.isFinite(value) ? parseDecimal(String(value)) : undefined
    else if (typeof value === 'string') parsed = parseDecimal(value)
    else if (typeof value === 'bigint') parsed = parseDecimal(value.toString())
    else {
      errors.push(`Expected a decimal string or a number, got ${typeof value}.`)
      return errors
    }
    if (parsed === undefined) {
      if (value !== '') errors.push(`${JSON.stringify(String(value))} is not a valid decimal number.`)
      return errors
    }
    errors.push(...this.checkDigits(parsed))
    return errors
  }

  private checkDigits(parsed: ParsedDecimal): string[] {
    // trailing zeros after the point are not counted: '1.500' is 1.50 exactly, so it fits 2 places
    const decimals = parsed.fraction.replace(/0+$/, '').length
    const wholeDigits = parsed.whole === '0' ? 0 : parsed.whole.length
    if (wholeDigits + decimals > this.maxDigits) {
      return [`Ensure that there are no more than ${this.maxDigits} digits in total.`]
    }
    if (decimals > this.decimalPlaces) {
      return [`Ensure that there are no more than ${this.decimalPlaces} decimal places.`]
    }
    const maxWhole = this.maxDigits - this.decimalPlaces
    if (wholeDigits > maxWhole) {
      return [`Ensure that there are no more than ${maxWhole} digits before the decimal point.`]
    }
    return []
  }

  private fromNumber(value: number): string | undefined {
    if (!Number.isFinite(value)) return undefined
    // toFixed switches to exponent notation from 1e21, which parseDecimal reads back exactly;
    // below that its text is already the canonical form, except for a negative zero ('-0.00')
    const fixed = value.toFixed(this.decimalPlaces)
    if (isCanonicalDecimal(fixed, this.decimalPlaces)) return fixed
    const parsed = parseDecimal(fixed)
    return parsed === undefined ? undefined : formatDecimal(parsed, this.decimalPlaces)
  }

  private fromText(value: string): string | undefined {
    const parsed = parseDecimal(value)
    return parsed === undefined ? undefined : formatDecimal(parsed, this.decimalPlaces)
  }
}

/** Whether SQLite's REAL (NUMERIC affinity) keeps this decimal exactly: finite, at most 15 significant digits. */
function fitsSqliteReal(text: string): boolean {
  const match = /^[+-]?(\d*)(?:\.(\d*))?(?:e[+-]?\d+)?$/i.exec(text.trim())
  if (match === null || !Number.isFinite(Number(text))) return false
  const significant = `${match[1] ?? ''}${match[2] ?? ''}`.replace(/^0+/, '').replace(/0+$/, '')
  return significant.length <= 15
}
