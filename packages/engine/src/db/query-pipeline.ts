/**
 * The path every statement takes, whatever the vendor: `preQuery`, the driver call timed with a
 * monotonic clock, error mapping, `postQuery`, the SLOW_QUERY_MS warning and the DEBUG query log.
 * Payloads and log lines are only built when someone listens, so an idle pipeline costs a few
 * property reads per statement.
 */
import { performance } from 'node:perf_hooks'
import type { Backend, DriverSession, QueryResult, Row, SyncDriverSession } from '../backends/base/base-connection.js'
import { slowQueryMs } from '../conf/settings.js'
import type { DormError } from '../errors.js'
import { postQuery, preQuery } from '../signals.js'
import {
  budgetTimeoutOn,
  CLIENT_DEADLINE_GRACE_MS,
  currentFrame,
  enforceRowBudget,
  rowBudgetExceeded,
} from './budget-state.js'
import { emitDormEvent } from './events.js'
import { getLogger, type Logger } from './logging.js'
import { endObservers, type QueryObserver, queryObservers, startObservers } from './query-observers.js'
import { redactParams } from './redact.js'

const queriesLogger = getLogger('dorm.queries')
const backendLoggers = new Map<string, Logger>()

function backendLogger(vendor: string): Logger {
  let logger = backendLoggers.get(vendor)
  if (logger === undefined) {
    logger = getLogger(`dorm.db.backends.${vendor}`)
    backendLoggers.set(vendor, logger)
  }
  return logger
}

function mapWithContext(backend: Backend, raw: unknown, sql: string, params: readonly unknown[]): DormError {
  return backend.mapError(raw, { sql, params: redactParams(sql, params) })
}

/** Observers active for one statement and their states (null when none are installed). */
interface Observed {
  observers: readonly QueryObserver[]
  states: unknown[]
}

function observeStart(backend: Backend, sql: string, params: readonly unknown[]): Observed | null {
  const observers = queryObservers
  if (observers.length === 0) return null
  const states = startObservers(observers, { alias: backend.alias, vendor: backend.vendor, sql, params })
  return { observers, states }
}

/** Reports one finished statement: observers, signal, slow-query warning and event, DEBUG log. */
function report(
  backend: Backend,
  sql: string,
  params: readonly unknown[],
  elapsed: number,
  error: DormError | null,
  observed: Observed | null,
  rowCount: number | null,
): void {
  const { alias, vendor } = backend
  if (observed !== null) {
    endObservers(observed.observers, observed.states, {
      alias,
      vendor,
      sql,
      params,
      elapsed_ms: elapsed,
      error,
      rowCount,
    })
  }
  if (postQuery.hasReceivers) postQuery.send({ sender: vendor, alias, sql, params, elapsed_ms: elapsed, error })
  const threshold = slowQueryMs()
  if (threshold !== null && elapsed >= threshold) {
    backendLogger(vendor).warning(`slow query (${elapsed.toFixed(2)}ms ≥ ${threshold}ms): ${sql}`, {
      alias,
      vendor,
      elapsed_ms: elapsed,
      threshold_ms: threshold,
    })
    emitDormEvent({ type: 'slow_query', alias, vendor, sql, elapsed_ms: elapsed, threshold_ms: threshold })
  }
  if (queriesLogger.isEnabledFor('DEBUG')) {
    const shown = redactParams(sql, params)
    const outcome = error === null ? '' : ` -> ${error.name}`
    queriesLogger.debug(`(${elapsed.toFixed(3)} ms) ${sql}; params=${safeJson(shown)}${outcome}`, {
      alias,
      vendor,
      elapsed_ms: elapsed,
      params: shown,
    })
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    return String(value)
  }
}

/** `preQuery` and the observers' start: what runs before the driver call. */
function beginStatement(backend: Backend, sql: string, params: readonly unknown[]): Observed | null {
  if (preQuery.hasReceivers) preQuery.send({ sender: backend.vendor, alias: backend.alias, sql, params })
  return observeStart(backend, sql, params)
}

/** Reports a failed driver call and returns the mapped error to throw. */
function failStatement(
  backend: Backend,
  sql: string,
  params: readonly unknown[],
  start: number,
  observed: Observed | null,
  raw: unknown,
): DormError {
  const error = mapWithContext(backend, raw, sql, params)
  report(backend, sql, params, performance.now() - start, error, observed, null)
  return error
}

/** Reports a finished driver call and applies the budget's row limit. */
function finishStatement(
  backend: Backend,
  sql: string,
  params: readonly unknown[],
  start: number,
  observed: Observed | null,
  result: QueryResult,
): QueryResult {
  report(backend, sql, params, performance.now() - start, null, observed, result.rowCount)
  // budget(): one getStore() when no budget is active; throws BudgetExceeded past maxRows
  enforceRowBudget(backend.alias, sql, result.rows.length)
  return result
}

/**
 * Runs one statement on a session through the pipeline. Errors come out mapped to dorm classes.
 *
 * @example
 * ```ts
 * const result = await runStatement(backend, lease.session, 'SELECT 1', [])
 * ```
 */
export async function runStatement(
  backend: Backend,
  session: DriverSession,
  sql: string,
  params: readonly unknown[],
): Promise<QueryResult> {
  const observed = beginStatement(backend, sql, params)
  const start = performance.now()
  let result: QueryResult
  // budget(): a statement under a timeout gets a client-side deadline too, for when the server's
  // own cancellation cannot reach us (a stalled network); one getStore() when no budget is active
  const budgetTimeout = budgetTimeoutOn(backend.alias)
  try {
    result =
      budgetTimeout === undefined
        ? await session.query(sql, params)
        : await session.query(sql, params, budgetTimeout + CLIENT_DEADLINE_GRACE_MS)
  } catch (raw) {
    throw failStatement(backend, sql, params, start, observed, raw)
  }
  return finishStatement(backend, sql, params, start, observed, result)
}

/**
 * {@link runStatement} on a synchronous driver, answered in the call: the same signals, timing,
 * logging, error mapping and row budget, without a promise per step. A client-side deadline means
 * nothing here: the driver holds the thread until SQLite answers (its busy timeout bounds a wait).
 *
 * @example
 * ```ts
 * const lease = backend.leaseNow?.()
 * if (lease !== undefined) try { runStatementNow(backend, lease.session, 'SELECT 1', []) } finally { lease.release() }
 * ```
 */
export function runStatementNow(
  backend: Backend,
  session: SyncDriverSession,
  sql: string,
  params: readonly unknown[],
): QueryResult {
  const observed = beginStatement(backend, sql, params)
  const start = performance.now()
  let result: QueryResult
  try {
    result = session.querySync(sql, params)
  } catch (raw) {
    throw failStatement(backend, sql, params, start, observed, raw)
  }
  return finishStatement(backend, sql, params, start, observed, result)
}

/**
 * Streams one statement's rows through the pipeline, in the driver's chunks: `preQuery` when it
 * starts, `postQuery` (and the slow-query check) when the stream ends, is abandoned, or fails,
 * timing the whole stream. A budget's `maxRows` cuts the chunk at the limit and then fails.
 */
export async function* streamStatementChunks(
  backend: Backend,
  session: DriverSession,
  sql: string,
  params: readonly unknown[],
  chunkSize: number,
): AsyncIterable<Row[]> {
  const observed = beginStatement(backend, sql, params)
  const start = performance.now()
  let error: DormError | null = null
  let rows = 0
  // budget(): read once per stream; the stream stops at the first row past maxRows
  const rowLimit = currentFrame()?.maxRows
  try {
    for await (const chunk of session.streamChunks(sql, params, chunkSize)) {
      if (rowLimit !== undefined && rows + chunk.length > rowLimit) {
        const allowed = rowLimit - rows
        rows = rowLimit + 1
        if (allowed > 0) yield chunk.slice(0, allowed)
        throw rowBudgetExceeded(backend.alias, sql, rowLimit, rows)
      }
      rows += chunk.length
      yield chunk
    }
  } catch (raw) {
    error = mapWithContext(backend, raw, sql, params)
    throw error
  } finally {
    report(backend, sql, params, performance.now() - start, error, observed, error === null ? rows : null)
  }
}
