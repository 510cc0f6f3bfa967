import type { Vendor } from '../../backends/base/base-connection.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf } from './field.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
// PostgreSQL's own conversion for EXTRACT(EPOCH FROM interval): a month is 30 days, a year 365.25
const MONTH = 30 * DAY
const YEAR = 365.25 * DAY

/** The object pg's default parser (postgres-interval) makes of an INTERVAL; zero parts are absent. */
interface PgInterval {
  years?: number
  months?: number
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
  milliseconds?: number
}

function intervalObjectToMs(interval: PgInterval): number {
  return (
    (interval.years ?? 0) * YEAR +
    (interval.months ?? 0) * MONTH +
    (interval.days ?? 0) * DAY +
    (interval.hours ?? 0) * HOUR +
    (interval.minutes ?? 0) * MINUTE +
    (interval.seconds ?? 0) * SECOND +
    (interval.milliseconds ?? 0)
  )
}

// IntervalStyle 'postgres', the server default: '1 year 2 mons -3 days -04:05:06.789'
const INTERVAL_TEXT =
  /^(?:([+-]?\d+) years? ?)?(?:([+-]?\d+) mons? ?)?(?:([+-]?\d+) days? ?)?(?:([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/

function intervalTextToMs(text: string): number | undefined {
  const match = INTERVAL_TEXT.exec(text.trim())
  if (match === null || text.trim() === '') return undefined
  const [, years = '0', months = '0', days = '0', sign, hours = '0', minutes = '0', seconds = '0', fraction = ''] =
    match
  const time =
    Number(hours) * HOUR + Number(minutes) * MINUTE + Number(seconds) * SECOND + Number(fraction.padEnd(6, '0')) / 1000
  return Number(years) * YEAR + Number(months) * MONTH + Number(days) * DAY + (sign === '-' ? -time : time)
}

/**
 * A length of time in milliseconds (a number): INTERVAL on PostgreSQL, BIGINT on SQLite. Intervals
 * read from PostgreSQL with months or years count a month as 30 days and a year as 365.25, as
 * PostgreSQL does when it turns an interval into seconds.
 *
 * @example
 * ```ts
 * timeout: new DurationField({ default: 30_000 })
 * ```
 */
export class DurationField<const O extends FieldOptions<number> = FieldOptions<number>> extends Field<
  number,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  readonly kind: string = 'DurationField'

  constructor(options?: O) {
    super(options)
  }

  dbType(vendor: Vendor): string {
    return vendor === 'postgresql' ? 'interval' : 'bigint'
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    if (value === null || value === undefined) return value
    const ms = this.clean(value)
    if (vendor === 'postgresql') return `${ms} milliseconds`
    // an INTEGER-affinity column would keep a fraction as REAL; sub-millisecond precision is PG-only
    return Math.round(ms)
  }

  override fromDb(value: unknown, vendor: Vendor): number | null {
    if (value === null || value === undefined) return null
    if (typeof value === 'number') return value
    if (typeof value === 'bigint') return Number(value)
    if (typeof value === 'string') {
      const ms = vendor === 'postgresql' ? intervalTextToMs(value) : Number(value)
      if (ms !== undefined && !Number.isNaN(ms)) return ms
    } else if (typeof value === 'object') {
      return intervalObjectToMs(value as PgInterval)
    }
    throw new TypeError(`${this.kind} cannot read ${JSON.stringify(value)} from the database as a duration`)
  }

  override clean(value: unknown): number {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw new TypeError(
        `${this.kind} expects a number of milliseconds, got ${JSON.stringify(value) ?? String(value)}`,
      )
    }
    return n
  }

  override validate(value: unknown): string[] {
    const errors = super.validate(value)
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) errors.push(`${value} is not a finite number of milliseconds.`)
    } else if (value !== null && value !== undefined) {
      errors.push(`Expected a number of milliseconds, got ${typeof value}.`)
    }
    return errors
  }
}
