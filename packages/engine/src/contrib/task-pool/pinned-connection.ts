/**
 * Pool task affinity: one checkout for a whole async context (typically a request), so its
 * statements stop going back and forth to the pool, and `SET`, temporary tables and advisory locks
 * of the session stay visible to the rest of the context.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { type ConnectionPin, currentPin, runWithPin } from '../../db/connection-pin.js'
import { getConnection } from '../../db/connection-registry.js'
import { ProgrammingError } from '../../errors.js'
import { SerializedSession } from './serialized-session.js'

/**
 * What {@link currentPinStats} reports (snake_case: it is meant for logs and metrics).
 *
 * @example
 * ```ts
 * const stats: PinStats | undefined = currentPinStats() // { alias: 'default', wait_ms: 0.3, hold_ms: 12.8, queries: 4 }
 * ```
 */
export interface PinStats {
  alias: string
  /** Milliseconds spent waiting for the pool to hand the connection over. */
  wait_ms: number
  /** Milliseconds the connection has been (or was) held, from checkout to release. */
  hold_ms: number
  /** Statements run on the pinned connection, transaction control included. */
  queries: number
}

/**
 * Options of {@link pinnedConnection}.
 *
 * @example
 * ```ts
 * await pinnedConnection(() => Report.objects.count(), { using: 'replica' })
 * ```
 */
export interface PinnedConnectionOptions {
  /** Database alias. Default `'default'`. */
  using?: string
}

interface PinRecord {
  readonly alias: string
  readonly waitMs: number
  readonly acquiredAt: number
  releasedAt: number | undefined
  queries: number
  readonly parent: PinRecord | undefined
}

const records = new AsyncLocalStorage<PinRecord>()

function snapshot(record: PinRecord): PinStats {
  return {
    alias: record.alias,
    wait_ms: record.waitMs,
    hold_ms: (record.releasedAt ?? performance.now()) - record.acquiredAt,
    queries: record.queries,
  }
}

/**
 * The pool wait, hold time and statement count of the pinned connection of the current async
 * context: of `alias` when given, else of the innermost `pinnedConnection()` block. Undefined when
 * nothing is pinned here (outside a block, on SQLite/libsql, or when an `atomic()` block held the
 * alias first).
 *
 * @example
 * ```ts
 * await pinnedConnection(async () => {
 *   await Order.objects.count()
 *   currentPinStats() // { alias: 'default', wait_ms: 0.4, hold_ms: 3.1, queries: 1 }
 * })
 * ```
 */
export function currentPinStats(alias?: string): PinStats | undefined {
  for (let record = records.getStore(); record !== undefined; record = record.parent) {
    if (alias === undefined || record.alias === alias) return snapshot(record)
  }
  return undefined
}

/**
 * Runs `fn` with one pooled connection of `using` checked out for its whole async context: every
 * statement of the context on that alias (raw `execute`, ORM queries, `atomic()` blocks, which open
 * their transaction on it) runs on that connection, which goes back to the pool when `fn` settles,
 * also on error. Statements started concurrently inside the block (`Promise.all`) run one after the
 * other on it. `executeStreaming()` / `iterator()` take a connection of their own (a cursor would
 * hold the pinned one for the whole loop).
 *
 * - An `atomic()` block (or an outer `pinnedConnection()`) already holding the alias takes
 *   precedence: `fn` runs on its connection.
 * - SQLite and libsql: `fn` runs unchanged (one connection per alias already).
 *
 * @example
 * ```ts
 * import { pinnedConnection } from '@dorm/engine/contrib/task-pool'
 * const page = await pinnedConnection(async () => {
 *   const orders = await Order.objects.filter({ status: 'pending' })
 *   const total = await Order.objects.count()
 *   return { orders, total }
 * })
 * ```
 */
export function pinnedConnection<T>(fn: () => Promise<T> | T, options: PinnedConnectionOptions = {}): Promise<T> {
  return runPinned(fn, options)
}

/**
 * {@link pinnedConnection} with a hook for middlewares: `onReleased` receives the final stats once
 * the connection is back in the pool (not called when nothing was pinned).
 *
 * @example
 * ```ts
 * await runPinned(() => next(), { using: 'default' }, (stats) => log.info('db', stats))
 * ```
 */
export async function runPinned<T>(
  fn: () => Promise<T> | T,
  options: PinnedConnectionOptions,
  onReleased?: (stats: PinStats) => void,
): Promise<T> {
  if (typeof fn !== 'function') {
    throw new ProgrammingError(
      'pinnedConnection() takes the block to run first: pinnedConnection(async () => ..., { using }).',
    )
  }
  const alias = options.using ?? 'default'
  if (typeof alias !== 'string' || alias === '') {
    throw new ProgrammingError(
      `pinnedConnection() using must be a database alias (a non-empty string), got ${String(alias)}.`,
    )
  }
  if (currentPin(alias) !== undefined) return fn()
  const connection = getConnection(alias)
  if (connection.vendor !== 'postgresql') return fn()

  const requested = performance.now()
  const lease = await connection.acquireLease()
  const acquiredAt = performance.now()
  const record: PinRecord = {
    alias,
    waitMs: acquiredAt - requested,
    acquiredAt,
    releasedAt: undefined,
    queries: 0,
    parent: records.getStore(),
  }
  const session = new SerializedSession(lease.session, () => {
    record.queries++
  })
  const pin: ConnectionPin = {
    alias,
    lease: { session, release: lease.release },
    depth: 0,
    savepoints: 0,
    onCommit: [],
  }
  try {
    return await records.run(record, () => runWithPin(pin, fn))
  } finally {
    // later continuations of the context check out connections of their own
    pin.released = true
    // a transaction left open or a statement still running (a promise fn did not await): the
    // connection's state is unknown, so the pool drops it instead of handing it to someone else
    lease.release(pin.depth > 0 || session.inFlight > 0)
    record.releasedAt = performance.now()
    onReleased?.(snapshot(record))
  }
}
