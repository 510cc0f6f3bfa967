/**
 * `budget()`: per-block limits that protect a request's SLA. `timeoutMs` becomes
 * `SET LOCAL statement_timeout` in an implicit `atomic()` on PostgreSQL (ignored on SQLite/libsql);
 * `maxRows` makes any statement that returns more rows throw {@link BudgetExceeded}.
 */
import { ProgrammingError } from '../errors.js'
import { appliedTimeoutOn, type BudgetFrame, nestedFrame, runInFrame } from './budget-state.js'
import { watchBudgetTimeouts } from './budget-timeout.js'
import { getConnection } from './connection-registry.js'
import { getLogger } from './logging.js'
import { atomic, inTransaction } from './transaction.js'

export { currentBudget, type EffectiveBudget } from './budget-state.js'

const dbLogger = getLogger('dorm.db')
const ignoredTimeoutVendors = new Set<string>()

/**
 * The limits of one {@link budget} block. Every field is optional; given values must be positive integers.
 *
 * @example
 * ```ts
 * const limits: BudgetLimits = { timeoutMs: 200, maxRows: 10_000, using: 'default' }
 * await budget(limits, () => Order.objects.filter({ status: 'pending' }))
 * ```
 */
export interface BudgetLimits {
  /** Statement timeout in milliseconds (PostgreSQL only: `SET LOCAL statement_timeout`). */
  timeoutMs?: number | null
  /** Most rows any single statement in the block may return. */
  maxRows?: number | null
  /** Alias whose transaction carries the timeout. Default `'default'`. */
  using?: string
}

function checkLimit(name: 'timeoutMs' | 'maxRows', value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    const shown = typeof value === 'string' ? `'${value}'` : String(value)
    throw new ProgrammingError(
      `budget() ${name} must be a positive integer, got ${shown}. Pass a whole number greater than 0, ` +
        `or leave ${name} out for no limit.`,
    )
  }
  return value
}

function checkUsing(value: unknown): string {
  if (value === undefined) return 'default'
  if (typeof value !== 'string' || value === '') {
    throw new ProgrammingError(`budget() using must be a database alias (a non-empty string), got ${String(value)}.`)
  }
  return value
}

/**
 * Runs `fn` under a budget and resolves to its result. Blocks nest: each limit in force is the
 * smallest over the enclosing blocks (see `currentBudget()`).
 *
 * - `maxRows`: a statement (raw `execute`, ORM query, stream) returning more rows throws
 *   `BudgetExceeded` ("Query returned 20 rows, exceeds active budget max_rows=5.") and emits a
 *   `budget_exceeded` event. Applies to statements on every alias.
 * - `timeoutMs` on PostgreSQL: the block runs in `atomic(fn, { using })` (a savepoint when already
 *   in one) whose first statement is `SET LOCAL statement_timeout = <ms>`. A statement cancelled by
 *   it rejects with an `OperationalError` (SQLSTATE 57014) whose message names the budget, and emits
 *   `budget_exceeded` with `limit: 'timeout_ms'`. Trade-off: the block becomes a transaction.
 *   On SQLite and libsql the timeout is ignored (logged once at DEBUG on `dorm.db`).
 * - A limit that is not a positive integer throws `ProgrammingError` before anything runs.
 *
 * @example
 * ```ts
 * import { budget } from '@dorm/engine'
 * const pending = await budget({ timeoutMs: 200, maxRows: 10_000 }, () =>
 *   Order.objects.filter({ status: 'pending' }).all(),
 * )
 * ```
 */
export async function budget<T>(limits: BudgetLimits, fn: () => Promise<T> | T): Promise<T> {
  if (typeof limits !== 'object' || limits === null) {
    throw new ProgrammingError('budget() takes its limits first: budget({ timeoutMs, maxRows, using }, fn).')
  }
  if (typeof fn !== 'function') {
    throw new ProgrammingError(
      'budget() needs the block to run as its second argument: budget({ ... }, async () => ...).',
    )
  }
  const timeoutMs = checkLimit('timeoutMs', limits.timeoutMs)
  const maxRows = checkLimit('maxRows', limits.maxRows)
  const using = checkUsing(limits.using)
  const frame = nestedFrame({ timeoutMs, maxRows, using })
  if (timeoutMs === undefined) return runInFrame(frame, fn)
  const vendor = getConnection(using).vendor
  if (vendor !== 'postgresql') {
    if (!ignoredTimeoutVendors.has(vendor)) {
      ignoredTimeoutVendors.add(vendor)
      dbLogger.debug(
        `budget() timeoutMs is ignored on ${vendor} (alias '${using}'): only PostgreSQL has statement_timeout.`,
        {
          alias: using,
          vendor,
        },
      )
    }
    return runInFrame(frame, fn)
  }
  return watchBudgetTimeouts(() => runInFrame(frame, () => runWithStatementTimeout(frame, using, fn)))
}

/** The PostgreSQL half: an `atomic()` block whose first statement sets the effective timeout. */
async function runWithStatementTimeout<T>(frame: BudgetFrame, using: string, fn: () => Promise<T> | T): Promise<T> {
  const effective = frame.timeoutMs as number
  const nested = inTransaction(using)
  const enclosing = nested ? appliedTimeoutOn(using, frame.parent) : undefined
  return atomic(
    async () => {
      const connection = getConnection(using)
      if (enclosing !== undefined && enclosing <= effective) {
        // an enclosing budget already holds this transaction to a tighter (or equal) timeout
        frame.appliedTimeout = { alias: using, ms: enclosing }
        return fn()
      }
      // SET LOCAL lasts to the end of the transaction, even past a released savepoint: a nested
      // block puts the enclosing value back when it succeeds (a rollback to the savepoint does it
      // on failure)
      let previous: string | undefined
      if (nested) {
        if (enclosing !== undefined) previous = `${enclosing}`
        else {
          const { rows } = await connection.execute<{ statement_timeout: string }>('SHOW statement_timeout')
          previous = rows[0]?.statement_timeout ?? '0'
        }
      }
      await connection.execute(`SET LOCAL statement_timeout = ${effective}`)
      frame.appliedTimeout = { alias: using, ms: effective }
      const result = await fn()
      if (previous !== undefined) {
        await connection.execute(`SET LOCAL statement_timeout = '${previous.replaceAll("'", "''")}'`)
      }
      return result
    },
    { using },
  )
}
