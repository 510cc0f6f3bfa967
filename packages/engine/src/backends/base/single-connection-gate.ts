/**
 * A FIFO async mutex around one resource. SQLite and libsql hold a single connection per alias, and a
 * transaction keeps its lease across awaits, so every checkout has to wait its turn: otherwise a
 * statement from another async context would land inside somebody else's transaction.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { notifyPoolCheckout, notifyPoolRelease, notifyPoolTimeout, poolObservers } from '../../db/pool-observers.js'
import { FifoQueue } from './fifo-queue.js'

/**
 * One checkout of the gated resource. `release()` hands it to the next waiter; calling it twice does nothing.
 *
 * @example
 * ```ts
 * const lease: GateLease<Database> = await gate.acquire()
 * lease.release()
 * ```
 */
export interface GateLease<T> {
  readonly value: T
  release(): void
}

/**
 * Counters of a gate, for pool stats.
 *
 * @example
 * ```ts
 * const { inUse, waiting }: GateStats = gate.stats()
 * ```
 */
export interface GateStats {
  /** 1 while a lease is out, else 0. */
  inUse: 0 | 1
  /** Callers queued behind the current lease. */
  waiting: number
  /** Leases handed out since the gate was made. */
  acquisitions: number
  /** Milliseconds callers spent queued, summed over every acquisition. */
  waitMs: number
}

interface Waiter<T> {
  resolve(lease: GateLease<T>): void
  reject(err: unknown): void
  enqueuedAt: number
  /** The waiting caller's async context (see PostgresPool): observers attribute waits through it. */
  context: (<R>(fn: () => R) => R) | undefined
  timer: NodeJS.Timeout | undefined
  settled: boolean
}

/**
 * Serialises access to one resource, first come first served.
 *
 * @example
 * ```ts
 * const gate = new SingleConnectionGate(db)
 * const lease = await gate.acquire()
 * try {
 *   lease.value.exec('BEGIN')
 *   await somethingAsync() // nobody else gets `db` meanwhile
 *   lease.value.exec('COMMIT')
 * } finally {
 *   lease.release()
 * }
 * ```
 */
export class SingleConnectionGate<T> {
  readonly #value: T
  #busy = false
  // linked, not an array: Array#shift copies, which makes a long queue quadratic
  readonly #queue = new FifoQueue<Waiter<T>>()
  #waiting = 0
  #acquisitions = 0
  #waitMs = 0
  #closedError: (() => Error) | undefined
  /** The alias reported to pool observers; without one the gate reports nothing. */
  readonly #alias: string | undefined

  /**
   * @param alias when given, checkouts, releases and timeouts are reported to pool observers
   *   (`addPoolObserver`) under this alias.
   */
  constructor(value: T, alias?: string) {
    this.#value = value
    this.#alias = alias
  }

  /**
   * Resolves with a lease once every earlier caller has released theirs. Rejects once the gate is
   * closed (see {@link close}), or with `onTimeout(waitedMs)` after `timeoutMs` in the queue.
   *
   * @example
   * ```ts
   * const { value, release } = await gate.acquire(30_000, (ms) => new Error(`waited ${ms} ms`))
   * ```
   */
  acquire(timeoutMs?: number, onTimeout?: (waitedMs: number) => Error): Promise<GateLease<T>> {
    if (this.#closedError !== undefined) return Promise.reject(this.#closedError())
    const now = this.tryAcquire()
    if (now !== undefined) return Promise.resolve(now)
    return new Promise<GateLease<T>>((resolve, reject) => {
      const context = this.#alias !== undefined && poolObservers.length > 0 ? AsyncLocalStorage.snapshot() : undefined
      const waiter: Waiter<T> = {
        resolve,
        reject,
        enqueuedAt: performance.now(),
        context,
        timer: undefined,
        settled: false,
      }
      if (timeoutMs !== undefined && onTimeout !== undefined) {
        waiter.timer = setTimeout(() => {
          if (waiter.settled) return
          waiter.settled = true
          this.#waiting--
          const waited = performance.now() - waiter.enqueuedAt
          this.#waitMs += waited
          if (this.#alias !== undefined && poolObservers.length > 0) notifyPoolTimeout(this.#alias)
          reject(onTimeout(waited))
        }, timeoutMs)
      }
      this.#queue.push(waiter)
      this.#waiting++
    })
  }

  /**
   * The lease at once when the gate is free and open, else undefined (nobody is queued then, so
   * taking it does not jump the line).
   *
   * @example
   * ```ts
   * const lease = gate.tryAcquire()
   * if (lease !== undefined) try { use(lease.value) } finally { lease.release() }
   * ```
   */
  tryAcquire(): GateLease<T> | undefined {
    if (this.#busy || this.#closedError !== undefined) return undefined
    this.#busy = true
    this.#acquisitions++
    return this.#lease(0)
  }

  /**
   * Rejects every queued caller, and every later `acquire()`, with `makeError()`. A lease already out
   * stays valid until its holder releases it.
   *
   * @example
   * ```ts
   * gate.close(() => new InterfaceError('closed'))
   * ```
   */
  close(makeError: () => Error): void {
    if (this.#closedError !== undefined) return
    this.#closedError = makeError
    for (let waiter = this.#queue.shift(); waiter !== undefined; waiter = this.#queue.shift()) {
      if (waiter.settled) continue
      waiter.settled = true
      clearTimeout(waiter.timer)
      waiter.reject(makeError())
    }
    this.#waiting = 0
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closedError !== undefined
  }

  /**
   * A snapshot of the counters.
   *
   * @example
   * ```ts
   * gate.stats() // { inUse: 1, waiting: 2, acquisitions: 10, waitMs: 3.5 }
   * ```
   */
  stats(): GateStats {
    return {
      inUse: this.#busy ? 1 : 0,
      waiting: this.#waiting,
      acquisitions: this.#acquisitions,
      waitMs: this.#waitMs,
    }
  }

  #lease(waitedMs: number, context?: <R>(fn: () => R) => R): GateLease<T> {
    let released = false
    const observed = this.#alias !== undefined && poolObservers.length > 0
    const checkedOutAt = observed ? performance.now() : 0
    if (observed) {
      const alias = this.#alias as string
      if (context === undefined) notifyPoolCheckout(alias, waitedMs)
      else context(() => notifyPoolCheckout(alias, waitedMs))
    }
    return {
      value: this.#value,
      release: () => {
        // a second release must not free a lease that by now belongs to somebody else
        if (released) return
        released = true
        if (observed) notifyPoolRelease(this.#alias as string, performance.now() - checkedOutAt)
        this.#handOff()
      },
    }
  }

  #handOff(): void {
    let waiter = this.#queue.shift()
    // waiters that timed out stay in the queue (O(1) removal); skip them here
    while (waiter?.settled) waiter = this.#queue.shift()
    if (waiter === undefined) {
      this.#busy = false
      return
    }
    waiter.settled = true
    clearTimeout(waiter.timer)
    this.#waiting--
    this.#acquisitions++
    const waited = performance.now() - waiter.enqueuedAt
    this.#waitMs += waited
    // handing over directly (the gate stays busy) keeps FIFO: a caller arriving now cannot barge in
    waiter.resolve(this.#lease(waited, waiter.context))
  }
}
