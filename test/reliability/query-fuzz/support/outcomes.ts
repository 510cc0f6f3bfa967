/**
 * How the fuzzer classifies what a query or a write did, and the tallies per backend.
 *
 * @example
 * ```ts
 * outcomeOf(err) // 'FieldError' | 'DataError' | 'driver:DataError' | 'raw:Error' | ...
 * ```
 */
import { DormError } from '@dorm/engine'

/**
 * The class of an error: the engine class name (`FieldError`, `ValidationError`, `DataError`,
 * `TypeError` for the fields' own type checks), `driver:<Class>` for a database error the engine
 * wrapped (it has a `cause`), or `raw:<Class>` for anything else (never acceptable).
 */
export function outcomeOf(err: unknown): string {
  if (err instanceof DormError) {
    return err.cause === undefined ? err.constructor.name : `driver:${err.constructor.name}`
  }
  if (err instanceof TypeError && /(Field|field) expects|expects (a|an) /.test(err.message)) return 'TypeError'
  return `raw:${err instanceof Error ? err.constructor.name : typeof err}`
}

/** Whether the outcome is an error raised by the engine itself, before the driver. */
export function isEngineRejection(outcome: string): boolean {
  return !outcome.startsWith('driver:') && !outcome.startsWith('raw:') && outcome !== 'ok'
}

/** Counts per outcome class. */
export class Tally {
  readonly counts: Record<string, number> = {}

  add(outcome: string): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1
  }

  total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0)
  }
}

/** A short, printable form of a fuzz value (strings escaped, bigints with n, dates as ISO). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint'
        ? `${v}n`
        : typeof v === 'number' && !Number.isFinite(v)
          ? String(v)
          : Object.is(v, -0)
            ? '-0'
            : v,
    )
  } catch {
    return String(value)
  }
}
