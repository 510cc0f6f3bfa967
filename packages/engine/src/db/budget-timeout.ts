/**
 * Recognises statements cancelled by a budget's `statement_timeout` (PostgreSQL SQLSTATE 57014,
 * "canceling statement due to statement timeout"): their error message gets the budget and the fix
 * appended, and a `budget_exceeded` event with `limit: 'timeout_ms'` is emitted. The same goes for a
 * statement whose client-side deadline (the budget plus a grace, see `CLIENT_DEADLINE_GRACE_MS`)
 * passed without an answer ("Query read timeout"). A query observer
 * does it, installed only while at least one timeout budget runs, so other statements pay nothing.
 */
import { DatabaseError } from '../errors.js'
import { appliedTimeoutOn, budgetTimeoutOn, CLIENT_DEADLINE_GRACE_MS } from './budget-state.js'
import { emitDormEvent } from './events.js'
import { addQueryObserver, type QueryEnd } from './query-observers.js'

const STATEMENT_TIMEOUT = /statement timeout/i
const READ_TIMEOUT = /Query read timeout/

let active = 0
let removeObserver: (() => void) | undefined

function noteTimeout(_state: unknown, query: QueryEnd): void {
  const error = query.error
  if (error instanceof DatabaseError && error.vendorCode === undefined && READ_TIMEOUT.test(error.message)) {
    noteMissedDeadline(error, query)
    return
  }
  if (!(error instanceof DatabaseError) || error.vendorCode !== '57014' || !STATEMENT_TIMEOUT.test(error.message))
    return
  // the observer runs in the statement's async context: the budget in force there set the timeout
  const limit = appliedTimeoutOn(query.alias)
  if (limit === undefined) return
  error.message +=
    ` The statement ran past the active budget timeout_ms=${limit} on alias '${query.alias}' and was ` +
    'cancelled. Make the query cheaper (an index, a narrower filter) or raise timeoutMs in budget({ timeoutMs }).'
  emitDormEvent({
    type: 'budget_exceeded',
    alias: query.alias,
    limit: 'timeout_ms',
    budget: limit,
    actual: Math.round(query.elapsed_ms),
  })
}

/** A statement that got no answer within the budget's client-side deadline (a stalled network, a hung server). */
function noteMissedDeadline(error: DatabaseError, query: QueryEnd): void {
  const limit = budgetTimeoutOn(query.alias)
  // the connection's own OPTIONS.query_timeout may have fired first: then it is not the budget's doing
  if (limit === undefined || query.elapsed_ms < limit + CLIENT_DEADLINE_GRACE_MS - 5) return
  error.message +=
    `. No answer from the server within the active budget timeout_ms=${limit} (+${CLIENT_DEADLINE_GRACE_MS} ms ` +
    `for the server's own cancellation) on alias '${query.alias}': the network or the server stalled, so dorm ` +
    'gave the connection up. Check the network path to the database; the budget keeps the request bounded meanwhile.'
  emitDormEvent({
    type: 'budget_exceeded',
    alias: query.alias,
    limit: 'timeout_ms',
    budget: limit,
    actual: Math.round(query.elapsed_ms),
  })
}

/**
 * Runs `fn` with the timeout observer installed (reference counted across concurrent blocks).
 *
 * @example
 * ```ts
 * await watchBudgetTimeouts(() => atomic(async () => { ... }))
 * ```
 */
export async function watchBudgetTimeouts<T>(fn: () => Promise<T>): Promise<T> {
  if (active++ === 0) removeObserver = addQueryObserver({ start: () => undefined, end: noteTimeout })
  try {
    return await fn()
  } finally {
    if (--active === 0) {
      removeObserver?.()
      removeObserver = undefined
    }
  }
}
