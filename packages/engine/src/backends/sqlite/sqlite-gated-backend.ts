/**
 * What the sqlite and libsql backends share: one connection per alias, opened on first checkout,
 * handed out through a {@link SingleConnectionGate} so a transaction holding it across awaits never
 * sees another context's statements, and cleaned up when it comes back.
 */
import { getLogger, type Logger } from '../../db/logging.js'
import { type DormError, InterfaceError, PoolTimeout } from '../../errors.js'
import type { Backend, CompactPoolStats, PoolStatsReport, SessionLease } from '../base/base-connection.js'
import { type GateLease, SingleConnectionGate } from '../base/single-connection-gate.js'
import { isTransientSqliteError } from './sqlite-errors.js'
import type { LocalSession } from './sqlite-session.js'

interface Slot<S> {
  session: S | undefined
}

/**
 * Base of the single-connection backends. Subclasses open the connection and map errors.
 *
 * @example
 * ```ts
 * class MyBackend extends GatedSqliteBackend<SqliteSession> {
 *   readonly vendor = 'sqlite'
 *   protected async openSession() { return new SqliteSession(new Database(this.database)) }
 *   mapError(err: unknown, context: SqliteErrorContext) { return mapSqliteError(err, context) }
 * }
 * ```
 */
export abstract class GatedSqliteBackend<S extends LocalSession> implements Backend {
  abstract readonly vendor: 'sqlite' | 'libsql'
  readonly alias: string
  /** The database path (or `:memory:`), as configured. */
  readonly database: string
  /** In-memory databases live in their one connection, so it is never dropped and reopened. */
  readonly memory: boolean
  readonly #slot: Slot<S> = { session: undefined }
  readonly #gate: SingleConnectionGate<Slot<S>>
  #closed = false
  #warn: Logger | undefined
  #lifecycle: Logger | undefined

  /** How long a checkout waits for the connection before PoolTimeout (POOL_TIMEOUT). */
  readonly waitTimeoutMs: number

  constructor(alias: string, database: string, memory: boolean, waitTimeoutMs: number) {
    this.waitTimeoutMs = waitTimeoutMs
    this.alias = alias
    this.database = database
    this.memory = memory
    // the alias lets the gate report checkouts, releases and timeouts to the pool observers
    this.#gate = new SingleConnectionGate(this.#slot, alias)
  }

  /** Opens the connection and prepares it (pragmas). Called inside the gate, so never twice at once. */
  protected abstract openSession(): Promise<S>

  abstract mapError(err: unknown, context: { sql?: string; params?: readonly unknown[] }): DormError

  isTransient(err: DormError): boolean {
    return isTransientSqliteError(err)
  }

  /** `dorm.db.backends.<vendor>`: warnings about how the connection was used. */
  protected get logger(): Logger {
    this.#warn ??= getLogger(`dorm.db.backends.${this.vendor}`)
    return this.#warn
  }

  /** `dorm.db.lifecycle.<vendor>`: opening and closing. */
  protected get lifecycleLogger(): Logger {
    this.#lifecycle ??= getLogger(`dorm.db.lifecycle.${this.vendor}`)
    return this.#lifecycle
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Waits for the connection (FIFO), opening it on first use.
   *
   * @example
   * ```ts
   * const lease = await backend.acquire()
   * try { await lease.session.query('SELECT 1', []) } finally { lease.release() }
   * ```
   */
  async acquire(): Promise<SessionLease> {
    const lease = await this.#gate.acquire(this.waitTimeoutMs, (waited) => this.#waitTimeout(waited))
    const slot = lease.value
    let session = slot.session
    if (session === undefined) {
      try {
        session = await this.openSession()
      } catch (err) {
        lease.release()
        throw err
      }
      if (this.#closed) {
        // close() ran while the driver was loading: do not leave a handle nobody will close
        this.#closeQuietly(session)
        lease.release()
        throw this.#closedError()
      }
      slot.session = session
    }
    return this.#sessionLease(lease, session)
  }

  /**
   * The open connection at once when nobody holds it, else undefined (not open yet, held, or
   * closed: {@link acquire} handles those). For subclasses whose driver is synchronous.
   */
  protected leaseIfFree(): (SessionLease & { readonly session: S }) | undefined {
    const session = this.#slot.session
    if (session === undefined) return undefined
    const lease = this.#gate.tryAcquire()
    return lease === undefined ? undefined : this.#sessionLease(lease, session)
  }

  #sessionLease(lease: GateLease<Slot<S>>, held: S): SessionLease & { readonly session: S } {
    let released = false
    return {
      session: held,
      release: (broken = false) => {
        if (released) return
        released = true
        try {
          this.#afterUse(held, broken)
        } finally {
          lease.release()
        }
      },
    }
  }

  poolStats(): PoolStatsReport {
    const { inUse, waiting, acquisitions, waitMs } = this.#gate.stats()
    return {
      alias: this.alias,
      vendor: this.vendor,
      has_pool: false,
      database: this.database,
      in_use: inUse,
      waiting,
      requests_num: acquisitions,
      requests_wait_ms: Math.round(waitMs),
    }
  }

  compactPoolStats(): CompactPoolStats {
    const { inUse, waiting } = this.#gate.stats()
    const size = this.#slot.session === undefined ? 0 : 1
    return { size, idle: size - inUse > 0 ? 1 : 0, in_use: inUse, max_size: 1, waiting }
  }

  /**
   * Closes the connection and refuses every later checkout. Callers already waiting are rejected;
   * a lease already out finds its connection closed on its next statement. Idempotent.
   *
   * @example
   * ```ts
   * await backend.close()
   * await backend.acquire() // rejects with InterfaceError
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#gate.close(() => this.#closedError())
    this.#drop()
    this.lifecycleLogger.info(`${this.vendor} connection closed for alias '${this.alias}'`, { alias: this.alias })
  }

  #afterUse(session: S, broken: boolean): void {
    if (this.#closed || this.#slot.session !== session) return
    if (!broken && session.clean) return
    const data = { alias: this.alias, vendor: this.vendor }
    if (broken) {
      if (!this.memory) {
        this.logger.warning(
          `dropping the ${this.vendor} connection of alias '${this.alias}' after a connection error; ` +
            'the next checkout opens a new one',
          data,
        )
        this.#drop()
        return
      }
      this.logger.debug(`kept the in-memory connection of alias '${this.alias}': a new one would be empty`, data)
    }
    try {
      const { endedStreams, rolledBack } = session.reset()
      if (endedStreams > 0) {
        this.logger.warning(
          `a connection of alias '${this.alias}' came back with ${endedStreams} stream(s) still open; ended them. ` +
            'Iterate a stream to the end (or break out of the loop) before the connection is released.',
          data,
        )
      }
      if (rolledBack) {
        this.logger.warning(
          `a connection of alias '${this.alias}' came back inside an open transaction; rolled it back so the next ` +
            'caller does not inherit it. Run transactions with atomic(), which commits or rolls back before releasing.',
          data,
        )
      }
    } catch (err) {
      this.logger.error(
        `could not clean up the ${this.vendor} connection of alias '${this.alias}'; dropping it`,
        data,
        err,
      )
      this.#drop()
    }
  }

  #drop(): void {
    const session = this.#slot.session
    this.#slot.session = undefined
    if (session !== undefined) this.#closeQuietly(session)
  }

  #closeQuietly(session: S): void {
    try {
      session.close()
    } catch (err) {
      this.logger.error(
        `closing the ${this.vendor} connection of alias '${this.alias}' failed`,
        { alias: this.alias },
        err,
      )
    }
  }

  #waitTimeout(waitedMs: number): PoolTimeout {
    const message =
      `timed out after ${Math.round(waitedMs)} ms waiting for the ${this.vendor} connection of alias '${this.alias}' ` +
      `(POOL_TIMEOUT=${this.waitTimeoutMs / 1000}s): ${this.vendor} has one connection per alias, and another ` +
      'atomic() block or executeStreaming() loop held it all that time. A statement run inside a streaming loop on ' +
      'the same alias waits for the stream itself: collect what you need first, or use a second alias on the same file.'
    getLogger('dorm.db.pool').warning(message, { alias: this.alias })
    return new PoolTimeout(message, { alias: this.alias, timeoutMs: this.waitTimeoutMs })
  }

  #closedError(): InterfaceError {
    return new InterfaceError(
      `The ${this.vendor} connection of alias '${this.alias}' was closed (close() or closeAll()). ` +
        `Call getConnection('${this.alias}') again for a new one, or configure() again if the settings were reset.`,
      { alias: this.alias },
    )
  }
}
