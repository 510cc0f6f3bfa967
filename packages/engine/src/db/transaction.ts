import { DormError, describeError } from '../errors.js'
import { type ConnectionPin, currentPin, runWithPin } from './connection-pin.js'
import { getConnection } from './connection-registry.js'
import { getLogger } from './logging.js'

const dbLogger = getLogger('dorm.db')

/** Options of {@link atomic}. */
export interface AtomicOptions {
  /** Database alias. Default `'default'`. */
  using?: string
  /** Refuse to run nested in another `atomic()` (the block must really commit when it returns). */
  durable?: boolean
}

/**
 * Runs `fn` in a transaction on one connection, pinned to the async context so every statement
 * for that alias inside runs on it. Nested calls become savepoints; a throw rolls back to the
 * enclosing level and re-throws. Statements inside are never retried.
 *
 * @example
 * ```ts
 * import { atomic, getConnection } from '@dorm/engine'
 * await atomic(async () => {
 *   await getConnection().execute('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [10, 1])
 *   await getConnection().execute('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [10, 2])
 * })
 * ```
 */
export async function atomic<T>(fn: () => Promise<T> | T, options: AtomicOptions = {}): Promise<T> {
  const alias = options.using ?? 'default'
  const pin = currentPin(alias)
  if (pin !== undefined && pin.depth > 0) {
    if (options.durable) {
      throw new DormError(
        `atomic({ durable: true }) on alias '${alias}' was called inside another atomic() block, so it could ` +
          'not commit on return. Move it out of the enclosing block.',
        { code: 'DURABLE_NESTED' },
      )
    }
    return savepoint(pin, fn)
  }
  const connection = getConnection(alias)
  if (pin !== undefined) {
    // a pinned connection outside a transaction: open the transaction on it, keep it pinned after
    return outermost(pin, fn, () => undefined)
  }
  const lease = await connection.acquireLease()
  const fresh: ConnectionPin = { alias, lease, depth: 0, savepoints: 0, onCommit: [] }
  let broken = false
  let committed: ConnectionPin['onCommit'] = []
  try {
    return await runWithPin(fresh, () =>
      outermost(
        fresh,
        fn,
        (err) => {
          broken = err !== undefined
        },
        (callbacks) => {
          committed = callbacks
        },
      ),
    )
  } finally {
    // continuations that outlive the block (an async onCommit callback, a promise left running)
    // must check out a connection of their own, not reuse this one once it is back in the pool
    fresh.released = true
    lease.release(broken)
    // after the release and outside the pin: a callback's queries run on their own connection
    for (const { fn: callback } of committed) runCallback(alias, callback)
  }
}

async function outermost<T>(
  pin: ConnectionPin,
  fn: () => Promise<T> | T,
  onRollbackFailure: (err: unknown) => void,
  afterCommit: (callbacks: ConnectionPin['onCommit']) => void = (callbacks) => {
    for (const { fn: callback } of callbacks) runCallback(pin.alias, callback)
  },
): Promise<T> {
  const connection = getConnection(pin.alias)
  // SQLite: take the write lock up front; a DEFERRED transaction that later writes can fail with
  // SQLITE_BUSY at once instead of waiting out the busy timeout
  await connection.runOnLease(pin.lease, connection.vendor === 'postgresql' ? 'BEGIN' : 'BEGIN IMMEDIATE')
  pin.depth = 1
  let result: T
  try {
    result = await fn()
  } catch (err) {
    pin.depth = 0
    pin.onCommit.length = 0
    try {
      await connection.runOnLease(pin.lease, 'ROLLBACK')
    } catch (rollbackError) {
      // the connection is probably gone; drop it, and report the error that started this
      onRollbackFailure(rollbackError)
    }
    throw err
  }
  try {
    await connection.runOnLease(pin.lease, 'COMMIT')
  } catch (err) {
    pin.depth = 0
    pin.onCommit.length = 0
    onRollbackFailure(err)
    throw err
  }
  pin.depth = 0
  afterCommit(pin.onCommit.splice(0))
  return result
}

async function savepoint<T>(pin: ConnectionPin, fn: () => Promise<T> | T): Promise<T> {
  const connection = getConnection(pin.alias)
  const name = `dorm_sp_${++pin.savepoints}`
  await connection.runOnLease(pin.lease, `SAVEPOINT ${name}`)
  const depth = ++pin.depth
  try {
    const result = await fn()
    await connection.runOnLease(pin.lease, `RELEASE SAVEPOINT ${name}`)
    // the callbacks of a released savepoint now belong to the enclosing level (a later rollback
    // of a sibling savepoint at this depth must not drop them)
    for (const queued of pin.onCommit) if (queued.depth >= depth) queued.depth = depth - 1
    return result
  } catch (err) {
    await connection.runOnLease(pin.lease, `ROLLBACK TO SAVEPOINT ${name}`)
    // callbacks queued inside the rolled back savepoint must never run
    pin.onCommit = pin.onCommit.filter((c) => c.depth < depth)
    throw err
  } finally {
    pin.depth = depth - 1
  }
}

function runCallback(alias: string, callback: () => unknown): void {
  try {
    const result = callback()
    if (result instanceof Promise) {
      result.catch((err: unknown) => dbLogger.error(`onCommit callback failed: ${describeError(err)}`, { alias }, err))
    }
  } catch (err) {
    dbLogger.error(`onCommit callback failed: ${describeError(err)}`, { alias }, err)
  }
}

/**
 * Runs `fn` after the current transaction on `using` commits, or right away when there is none.
 * Dropped if the transaction (or the savepoint that queued it) rolls back.
 *
 * @example
 * ```ts
 * await atomic(async () => {
 *   await Order.objects.create({ total: 10 })
 *   onCommit(() => mailer.send('order placed'))
 * })
 * ```
 */
export function onCommit(fn: () => unknown, options: { using?: string } = {}): void {
  const alias = options.using ?? 'default'
  const pin = currentPin(alias)
  if (pin === undefined || pin.depth === 0) {
    runCallback(alias, fn)
    return
  }
  pin.onCommit.push({ depth: pin.depth, fn })
}

/** Whether the current async context is inside `atomic()` for `alias`. */
export function inTransaction(alias = 'default'): boolean {
  const pin = currentPin(alias)
  return pin !== undefined && pin.depth > 0
}
