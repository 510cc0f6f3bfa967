/**
 * dorm's PostgreSQL pool. It is built on `pg.Client` rather than `pg.Pool` because the seed's seven
 * knobs need things pg.Pool does not have: MIN_POOL_SIZE kept open (pg.Pool's `min` only limits
 * eviction), a FIFO wait with a hard POOL_TIMEOUT even when no connection is being opened,
 * POOL_CHECK validation on checkout, per-connection PREPARE_THRESHOLD state, MAX_LIFETIME with
 * jitter, and psycopg-style counters for `poolStats()`. Bookkeeping is O(1) on the hot path: an
 * idle stack, a linked FIFO of waiters, no array scans.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import { emitDormEvent } from '../../db/events.js'
import { getLogger } from '../../db/logging.js'
import { notifyPoolCheckout, notifyPoolRelease, notifyPoolTimeout, poolObservers } from '../../db/pool-observers.js'
import { InterfaceError, PoolTimeout } from '../../errors.js'
import { FifoQueue } from '../base/fifo-queue.js'
import { PreparedStatementTracker } from './postgres-prepared-statements.js'

const poolLogger = getLogger('dorm.db.pool')

/** A connection is trusted without a POOL_CHECK ping if it was used less than this long ago. */
export const CHECK_GRACE_MS = 1000
/** MAX_LIFETIME is shortened by up to this fraction per connection, so they do not all expire at once. */
export const LIFETIME_JITTER = 0.05
/** A POOL_CHECK ping that gets no answer within this long (or the rest of POOL_TIMEOUT) fails. */
export const CHECK_TIMEOUT_MS = 5000
/** Exhaustion warnings are rate limited to one per this many milliseconds. */
const EXHAUSTION_WARNING_EVERY_MS = 10_000

/** How the pool opens, checks and closes driver connections. */
export interface PoolConnector<C> {
  open(timeoutMs: number): Promise<C>
  close(client: C): Promise<void>
  ping(client: C): Promise<void>
  /** Calls `handler` when the connection fails on its own (server terminated it while idle). */
  onLost(client: C, handler: (err: unknown) => void): void
}

/** Pool settings in milliseconds (the settings layer converts the seed's seconds). */
export interface PostgresPoolOptions {
  alias: string
  min: number
  max: number
  timeoutMs: number
  check: boolean
  maxIdleMs: number
  maxLifetimeMs: number
  prepareThreshold: number | null
  /** How often idle connections are reviewed for MAX_IDLE, MAX_LIFETIME and MIN_POOL_SIZE. */
  maintenanceIntervalMs?: number
}

/** One pooled connection with its bookkeeping. */
export interface PooledConnection<C> {
  readonly id: number
  readonly client: C
  readonly createdAt: number
  readonly expiresAt: number
  readonly prepared: PreparedStatementTracker
  lastUsedAt: number
  checkedOutAt: number
  idle: boolean
  /** Set when the connection failed; it is dropped at release instead of reused. */
  broken: boolean
}

/** psycopg-style counters, all monotonic except the gauges in {@link PostgresPool.stats}. */
export interface PoolCounters {
  requests_num: number
  requests_queued: number
  requests_wait_ms: number
  requests_errors: number
  usage_ms: number
  connections_num: number
  connections_ms: number
  connections_errors: number
  connections_lost: number
}

interface Waiter<C> {
  resolve(conn: PooledConnection<C>): void
  reject(err: unknown): void
  enqueuedAt: number
  /** When the checkout began (pool observers report the wait from here). */
  start: number
  /**
   * The waiting caller's async context, captured when observers are installed: a hand-over runs
   * in the releasing caller's context, and observers attribute the wait through AsyncLocalStorage.
   */
  context: (<R>(fn: () => R) => R) | undefined
  timer: NodeJS.Timeout | undefined
  settled: boolean
}

/**
 * A PostgreSQL connection pool. Events: `connect`, `acquire`, `release`, `remove` (with the
 * connection and a reason), `error` is never emitted: failures are counted and logged instead.
 *
 * @example
 * ```ts
 * const pool = new PostgresPool(options, connector)
 * pool.open()
 * const conn = await pool.acquire()
 * try { await conn.client.query('SELECT 1') } finally { pool.release(conn) }
 * ```
 */
export class PostgresPool<C> extends EventEmitter {
  readonly options: Readonly<PostgresPoolOptions>
  readonly counters: PoolCounters = {
    requests_num: 0,
    requests_queued: 0,
    requests_wait_ms: 0,
    requests_errors: 0,
    usage_ms: 0,
    connections_num: 0,
    connections_ms: 0,
    connections_errors: 0,
    connections_lost: 0,
  }
  readonly #connector: PoolConnector<C>
  readonly #all = new Set<PooledConnection<C>>()
  // a stack: the most recently used connection goes out first, so surplus ones age into MAX_IDLE
  readonly #idle: PooledConnection<C>[] = []
  readonly #waiters = new FifoQueue<Waiter<C>>()
  #waiting = 0
  #opening = 0
  // connections being opened by the pool itself (MIN_POOL_SIZE, replacements), each promised to a waiter
  #backgroundOpening = 0
  #nextId = 1
  #closed = false
  #opened = false
  #timer: NodeJS.Timeout | undefined
  #lastExhaustionWarning = Number.NEGATIVE_INFINITY
  #fillErrorLogged = false

  constructor(options: PostgresPoolOptions, connector: PoolConnector<C>) {
    super()
    this.options = Object.freeze({ ...options })
    this.#connector = connector
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.#all.size + this.#opening
  }

  /** Connections checked out right now. */
  get inUseCount(): number {
    return this.#all.size - this.#idle.length
  }

  get idleCount(): number {
    return this.#idle.length
  }

  get waitingCount(): number {
    return this.#waiting
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Starts the maintenance timer and opens MIN_POOL_SIZE connections in the background. */
  open(): void {
    if (this.#opened) return
    this.#opened = true
    const { maxIdleMs, maxLifetimeMs } = this.options
    const interval = this.options.maintenanceIntervalMs ?? clamp(Math.min(maxIdleMs, maxLifetimeMs) / 4, 100, 30_000)
    this.#timer = setInterval(() => this.#maintain(), interval)
    this.#timer.unref()
    this.#fillToMin()
  }

  /**
   * Checks out a connection: an idle one (pinged first when POOL_CHECK is on and it has been idle
   * for more than a second), a new one while under MAX_POOL_SIZE, or the next one released, in
   * FIFO order, failing with PoolTimeout after POOL_TIMEOUT.
   */
  acquire(): Promise<PooledConnection<C>> {
    if (this.#closed) return Promise.reject(this.#closedError())
    if (!this.#opened) this.open()
    this.counters.requests_num++
    const start = performance.now()
    return this.#acquire(start)
  }

  #acquire(start: number): Promise<PooledConnection<C>> {
    const now = performance.now()
    while (this.#idle.length > 0) {
      const conn = this.#idle.pop() as PooledConnection<C>
      conn.idle = false
      if (conn.broken) {
        this.#destroy(conn, 'broken')
        continue
      }
      if (now >= conn.expiresAt) {
        this.#destroy(conn, 'max lifetime reached')
        continue
      }
      if (this.options.check && now - conn.lastUsedAt > CHECK_GRACE_MS) return this.#checkThenHandOut(conn, start)
      return Promise.resolve(this.#checkOut(conn, now, start))
    }
    // a connection the pool is already opening will be handed to the first waiter: wait for it
    // rather than opening one more (at start-up this keeps the pool at MIN_POOL_SIZE)
    if (this.#backgroundOpening > this.#waiting) return this.#enqueue(start, false)
    if (this.size < this.options.max) return this.#openForRequest(start)
    return this.#enqueue(start, true)
  }

  async #checkThenHandOut(conn: PooledConnection<C>, start: number): Promise<PooledConnection<C>> {
    const remaining = this.options.timeoutMs - (performance.now() - start)
    try {
      await withTimeout(this.#connector.ping(conn.client), Math.max(1, Math.min(CHECK_TIMEOUT_MS, remaining)))
    } catch (err) {
      // the caller never sees this: drop the stale connection and try the next one
      this.counters.connections_lost++
      poolLogger.info(`alias '${this.options.alias}': dropped a stale connection found by POOL_CHECK`, {
        alias: this.options.alias,
        error: String(err),
      })
      this.#destroy(conn, 'failed POOL_CHECK')
      if (this.#closed) throw this.#closedError()
      return this.#acquire(start)
    }
    if (this.#closed) {
      this.#destroy(conn, 'pool closed')
      throw this.#closedError()
    }
    return this.#checkOut(conn, performance.now(), start)
  }

  async #openForRequest(start: number): Promise<PooledConnection<C>> {
    const remaining = this.options.timeoutMs - (performance.now() - start)
    try {
      const conn = await this.#openConnection(Math.max(1, remaining))
      if (this.#closed) {
        this.#destroy(conn, 'pool closed')
        throw this.#closedError()
      }
      return this.#checkOut(conn, performance.now(), start)
    } catch (err) {
      this.counters.requests_errors++
      throw err
    }
  }

  #enqueue(start: number, exhausted: boolean): Promise<PooledConnection<C>> {
    const now = performance.now()
    this.counters.requests_queued++
    if (exhausted && now - this.#lastExhaustionWarning >= EXHAUSTION_WARNING_EVERY_MS) {
      this.#lastExhaustionWarning = now
      poolLogger.warning(
        `pool exhausted for alias '${this.options.alias}': all ${this.options.max} connections are in use ` +
          `and requests are waiting (up to POOL_TIMEOUT=${this.options.timeoutMs / 1000}s)`,
        { alias: this.options.alias, pool_max: this.options.max, requests_waiting: this.#waiting + 1 },
      )
    }
    return new Promise((resolve, reject) => {
      const context = poolObservers.length > 0 ? AsyncLocalStorage.snapshot() : undefined
      const waiter: Waiter<C> = { resolve, reject, enqueuedAt: now, start, context, timer: undefined, settled: false }
      const remaining = Math.max(0, this.options.timeoutMs - (now - start))
      waiter.timer = setTimeout(() => this.#timeOut(waiter, start), remaining)
      this.#waiters.push(waiter)
      this.#waiting++
    })
  }

  #timeOut(waiter: Waiter<C>, start: number): void {
    if (waiter.settled) return
    waiter.settled = true
    this.#waiting--
    const now = performance.now()
    this.counters.requests_errors++
    this.counters.requests_wait_ms += now - waiter.enqueuedAt
    const { alias, max, timeoutMs } = this.options
    const inUse = this.#all.size - this.#idle.length
    const message =
      `timed out after ${Math.round(now - start)} ms waiting for a connection to alias '${alias}' ` +
      `(POOL_TIMEOUT=${timeoutMs / 1000}s): ${inUse} of MAX_POOL_SIZE=${max} connections are in use and ` +
      `${this.#waiting} other request(s) are waiting. Raise MAX_POOL_SIZE or POOL_TIMEOUT, keep transactions ` +
      'short, and check for a connection that is checked out and never released.'
    poolLogger.warning(message, { alias, pool_max: max, requests_waiting: this.#waiting })
    emitDormEvent({
      type: 'pool_timeout',
      alias,
      timeout_ms: timeoutMs,
      in_use: inUse,
      pool_max: max,
      waiting: this.#waiting,
    })
    if (poolObservers.length > 0) notifyPoolTimeout(alias)
    waiter.reject(new PoolTimeout(message, { alias, timeoutMs }))
  }

  #checkOut(
    conn: PooledConnection<C>,
    now: number,
    start: number,
    context?: <R>(fn: () => R) => R,
  ): PooledConnection<C> {
    conn.idle = false
    conn.checkedOutAt = now
    if (poolObservers.length > 0) {
      const alias = this.options.alias
      if (context === undefined) notifyPoolCheckout(alias, now - start)
      else context(() => notifyPoolCheckout(alias, now - start))
    }
    this.emit('acquire', conn)
    return conn
  }

  /** Gives a connection back. `broken` drops it (after a connection-class error). Idempotent. */
  release(conn: PooledConnection<C>, broken = false): void {
    if (conn.idle || !this.#all.has(conn)) return
    const now = performance.now()
    this.counters.usage_ms += now - conn.checkedOutAt
    if (poolObservers.length > 0) notifyPoolRelease(this.options.alias, now - conn.checkedOutAt)
    conn.lastUsedAt = now
    this.emit('release', conn)
    if (broken || conn.broken) {
      this.counters.connections_lost++
      this.#destroy(conn, 'connection error')
      return
    }
    if (this.#closed) {
      this.#destroy(conn, 'pool closed')
      return
    }
    if (now >= conn.expiresAt) {
      this.#destroy(conn, 'max lifetime reached')
      return
    }
    this.#handOver(conn, now)
  }

  /** Gives a free connection to the first live waiter, else parks it as idle. */
  #handOver(conn: PooledConnection<C>, now: number): void {
    const waiter = this.#takeWaiter()
    if (waiter !== undefined) {
      this.counters.requests_wait_ms += now - waiter.enqueuedAt
      waiter.resolve(this.#checkOut(conn, now, waiter.start, waiter.context))
      return
    }
    conn.idle = true
    conn.lastUsedAt = now
    this.#idle.push(conn)
  }

  async #openConnection(timeoutMs: number): Promise<PooledConnection<C>> {
    this.#opening++
    const started = performance.now()
    this.counters.connections_num++
    let client: C
    try {
      client = await this.#connector.open(timeoutMs)
    } catch (err) {
      this.counters.connections_errors++
      throw err
    } finally {
      this.#opening--
      this.counters.connections_ms += performance.now() - started
    }
    const now = performance.now()
    const conn: PooledConnection<C> = {
      id: this.#nextId++,
      client,
      createdAt: now,
      expiresAt: now + this.options.maxLifetimeMs * (1 - LIFETIME_JITTER * Math.random()),
      prepared: new PreparedStatementTracker(this.options.prepareThreshold),
      lastUsedAt: now,
      checkedOutAt: now,
      idle: false,
      broken: false,
    }
    this.#all.add(conn)
    this.#connector.onLost(client, (err) => this.#lost(conn, err))
    this.#fillErrorLogged = false
    this.emit('connect', conn)
    return conn
  }

  #lost(conn: PooledConnection<C>, err: unknown): void {
    if (conn.broken) return
    conn.broken = true
    if (!conn.idle) return // the query running on it fails and release() drops it
    this.counters.connections_lost++
    const index = this.#idle.indexOf(conn)
    if (index >= 0) this.#idle.splice(index, 1)
    conn.idle = false
    poolLogger.info(`alias '${this.options.alias}': an idle connection was lost (${String(err)})`, {
      alias: this.options.alias,
    })
    this.#destroy(conn, 'lost while idle')
  }

  #destroy(conn: PooledConnection<C>, reason: string): void {
    if (!this.#all.delete(conn)) return
    conn.idle = false
    this.emit('remove', conn, reason)
    this.#connector.close(conn.client).catch((err: unknown) => {
      poolLogger.debug(`closing a connection failed: ${String(err)}`, { alias: this.options.alias })
    })
    if (!this.#closed) {
      this.#serveWaiters()
      this.#fillToMin()
    }
  }

  /** Opens connections for waiters when destroyed ones left room under MAX_POOL_SIZE. */
  #serveWaiters(): void {
    while (this.#waiting > this.#backgroundOpening && this.size < this.options.max) {
      this.#openInBackground()
    }
  }

  #fillToMin(): void {
    while (!this.#closed && this.size < this.options.min) this.#openInBackground()
  }

  #openInBackground(): void {
    this.#backgroundOpening++
    this.#openConnection(this.options.timeoutMs).then(
      (conn) => {
        this.#backgroundOpening--
        if (this.#closed) this.#destroy(conn, 'pool closed')
        else this.#handOver(conn, performance.now())
      },
      (err: unknown) => {
        this.#backgroundOpening--
        // the waiter this connection was meant for gets the error now rather than a PoolTimeout later;
        // it is a connection error, so the retry layer decides what happens next
        this.#failFirstWaiter(err)
        if (!this.#fillErrorLogged) {
          this.#fillErrorLogged = true
          poolLogger.warning(`alias '${this.options.alias}': could not open a pooled connection: ${String(err)}`, {
            alias: this.options.alias,
          })
        }
      },
    )
  }

  #failFirstWaiter(err: unknown): void {
    const waiter = this.#takeWaiter()
    if (waiter === undefined) return
    this.counters.requests_errors++
    waiter.reject(err)
  }

  /** Removes and returns the first waiter that has not timed out (timed-out ones stay queued until here). */
  #takeWaiter(): Waiter<C> | undefined {
    for (;;) {
      const waiter = this.#waiters.shift()
      if (waiter === undefined) return undefined
      if (waiter.settled) continue
      waiter.settled = true
      this.#waiting--
      clearTimeout(waiter.timer)
      return waiter
    }
  }

  #maintain(): void {
    if (this.#closed) return
    const now = performance.now()
    // oldest idle first: index 0 of the stack has waited longest
    for (let i = 0; i < this.#idle.length; ) {
      const conn = this.#idle[i] as PooledConnection<C>
      const expired = now >= conn.expiresAt
      const surplusIdle = this.#all.size > this.options.min && now - conn.lastUsedAt > this.options.maxIdleMs
      if (expired || surplusIdle) {
        this.#idle.splice(i, 1)
        this.#destroy(conn, expired ? 'max lifetime reached' : 'max idle time reached')
        continue
      }
      i++
    }
    this.#fillToMin()
  }

  /** Gauges and counters, in the shape psycopg_pool's `get_stats()` reports. */
  stats(): PoolCounters & {
    pool_min: number
    pool_max: number
    pool_size: number
    pool_available: number
    requests_waiting: number
  } {
    return {
      pool_min: this.options.min,
      pool_max: this.options.max,
      pool_size: this.size,
      pool_available: this.#idle.length,
      requests_waiting: this.#waiting,
      ...this.counters,
    }
  }

  /** Refuses new checkouts, fails the waiters, and closes every connection (in use ones at release). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    for (let waiter = this.#takeWaiter(); waiter !== undefined; waiter = this.#takeWaiter()) {
      waiter.reject(this.#closedError())
    }
    const idle = this.#idle.splice(0)
    await Promise.all(
      idle.map(async (conn) => {
        this.#all.delete(conn)
        conn.idle = false
        this.emit('remove', conn, 'pool closed')
        await this.#connector.close(conn.client).catch(() => undefined)
      }),
    )
  }

  #closedError(): InterfaceError {
    return new InterfaceError(
      `the connection pool of alias '${this.options.alias}' is closed. Call getConnection('${this.options.alias}') ` +
        'again (after closeAll() or a new configure()) to get a fresh pool.',
      { alias: this.options.alias },
    )
  }
}

/** Rejects when `promise` has not settled within `ms` (a half-open socket never answers). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms)} ms`)), ms)
  })
  promise.catch(() => undefined)
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}
