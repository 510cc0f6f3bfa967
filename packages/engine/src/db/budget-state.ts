/**
 * The stack of active `budget()` blocks, kept in AsyncLocalStorage, and the row check the query
 * pipeline runs after each statement. Kept apart from `budget.ts` so the pipeline does not import
 * transactions: with no budget active the check costs one `getStore()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { BudgetExceeded } from '../errors.js'
import { emitDormEvent } from './events.js'

/** The effective limits of the innermost `budget()` block (see {@link currentBudget}). */
export interface EffectiveBudget {
  /** Smallest `timeoutMs` over the stack; undefined when no block set one. */
  readonly timeoutMs: number | undefined
  /** Smallest `maxRows` over the stack; undefined when no block set one. */
  readonly maxRows: number | undefined
  /** The alias of the innermost block. */
  readonly using: string
}

/** One `budget()` block on the stack. */
export interface BudgetFrame extends EffectiveBudget {
  readonly parent: BudgetFrame | undefined
  /** Set once the block issued (or inherited) `SET LOCAL statement_timeout` on an alias. */
  appliedTimeout?: { alias: string; ms: number }
}

const storage = new AsyncLocalStorage<BudgetFrame>()

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.min(a, b)
}

/** A frame for a new block nested in the current one, its fields already reduced to the minimum. */
export function nestedFrame(limits: { timeoutMs?: number; maxRows?: number; using: string }): BudgetFrame {
  const parent = storage.getStore()
  return {
    parent,
    using: limits.using,
    timeoutMs: minDefined(parent?.timeoutMs, limits.timeoutMs),
    maxRows: minDefined(parent?.maxRows, limits.maxRows),
  }
}

/** Runs `fn` with `frame` as the innermost budget. */
export function runInFrame<T>(frame: BudgetFrame, fn: () => T): T {
  return storage.run(frame, fn)
}

/** The innermost frame, if a budget is active. */
export function currentFrame(): BudgetFrame | undefined {
  return storage.getStore()
}

/**
 * The effective budget of the current async context: each field is the minimum over every
 * enclosing `budget()` block, `using` is the innermost block's alias. Undefined outside any block.
 *
 * @example
 * ```ts
 * await budget({ maxRows: 100 }, () =>
 *   budget({ maxRows: 500, timeoutMs: 200 }, () => currentBudget()),
 * ) // { timeoutMs: 200, maxRows: 100, using: 'default' }
 * ```
 */
export function currentBudget(): EffectiveBudget | undefined {
  const frame = storage.getStore()
  if (frame === undefined) return undefined
  return { timeoutMs: frame.timeoutMs, maxRows: frame.maxRows, using: frame.using }
}

/** The timeout `SET LOCAL` put in force on `alias` by the innermost block that issued one, if any. */
export function appliedTimeoutOn(alias: string, frame = storage.getStore()): number | undefined {
  for (let f = frame; f !== undefined; f = f.parent) {
    if (f.appliedTimeout?.alias === alias) return f.appliedTimeout.ms
  }
  return undefined
}

/**
 * How much longer than a budget's `timeoutMs` a statement may go without an answer before the client
 * gives up. The server cancels the statement at `timeoutMs` (statement_timeout) and says so; the
 * grace leaves room for that answer, so the client deadline only fires when none can come (a stalled
 * network, a hung server).
 */
export const CLIENT_DEADLINE_GRACE_MS = 1000

/**
 * The budget `timeoutMs` in force for statements on `alias` (the innermost `budget()` block on that
 * alias), or undefined. The query pipeline gives each such statement a client-side deadline of this
 * plus {@link CLIENT_DEADLINE_GRACE_MS}.
 *
 * @example
 * ```ts
 * await budget({ timeoutMs: 200 }, async () => budgetTimeoutOn('default')) // 200
 * ```
 */
export function budgetTimeoutOn(alias: string): number | undefined {
  for (let f = storage.getStore(); f !== undefined; f = f.parent) {
    if (f.using === alias) return f.timeoutMs
  }
  return undefined
}

/**
 * Throws {@link BudgetExceeded} when a statement on `alias` returned more rows than the active
 * budget's `maxRows` (pipeline use, after each successful statement). Emits `budget_exceeded`.
 *
 * @example
 * ```ts
 * enforceRowBudget('default', 'SELECT * FROM orders', result.rows.length)
 * ```
 */
export function enforceRowBudget(alias: string, sql: string, rows: number): void {
  const frame = storage.getStore()
  if (frame === undefined || frame.maxRows === undefined || rows <= frame.maxRows) return
  throw rowBudgetExceeded(alias, sql, frame.maxRows, rows)
}

/** The error (and event) for `rows` rows against a `maxRows` of `limit`. */
export function rowBudgetExceeded(alias: string, sql: string, limit: number, rows: number): BudgetExceeded {
  emitDormEvent({ type: 'budget_exceeded', alias, limit: 'max_rows', budget: limit, actual: rows })
  return new BudgetExceeded(
    `Query returned ${rows} rows, exceeds active budget max_rows=${limit}. Paginate the query ` +
      `(.slice / LIMIT), filter it down, or raise maxRows in budget({ maxRows }).`,
    { alias, sql, limit: 'max_rows', budget: limit, actual: rows },
  )
}
