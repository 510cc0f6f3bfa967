import { AsyncLocalStorage } from 'node:async_hooks'
import type { SessionLease } from '../backends/base/base-connection.js'

/**
 * A connection held by the current async context for one alias: by `atomic()` (then `depth` > 0)
 * or by a pinned-connection block. Every statement for that alias inside the context runs on it,
 * and none is retried (a replay could re-apply half of a transaction).
 */
export interface ConnectionPin {
  readonly alias: string
  readonly lease: SessionLease
  /** 0 = pinned outside a transaction; 1 = in a transaction; 2+ = inside savepoints. */
  depth: number
  /** Savepoint names handed out so far on this pin. */
  savepoints: number
  /** Callbacks to run after the outermost COMMIT, each tagged with the depth that queued it. */
  onCommit: Array<{ depth: number; fn: () => unknown }>
  /** Set when the block that made the pin has ended and given the connection back. */
  released?: boolean
}

const storage = new AsyncLocalStorage<ReadonlyMap<string, ConnectionPin>>()

/** The pin for `alias` in the current async context, if any. */
export function currentPin(alias: string): ConnectionPin | undefined {
  const pin = storage.getStore()?.get(alias)
  // a continuation that outlived its atomic() block must not use the connection it gave back
  return pin?.released === true ? undefined : pin
}

/** Runs `fn` with `pin` visible to every statement of its alias in this async context. */
export function runWithPin<T>(pin: ConnectionPin, fn: () => T): T {
  const next = new Map(storage.getStore())
  next.set(pin.alias, pin)
  return storage.run(next, fn)
}
