/**
 * Pool wait per request. A checkout that found a free connection (or opened one) is reported in
 * the async context of the request that asked, and is charged to it directly. A checkout that
 * waited in the queue is reported when another holder releases its connection and the pool hands
 * it over, synchronously inside that release, so in the releaser's context: charging it there
 * would bill the wrong request. Such hand-overs are recognised (a release of the same alias in the
 * same synchronous run, and a wait above zero), queued per alias, and charged to the next statement
 * that starts on that alias: the waiter resumes on the handed connection in a microtask and starts
 * its statement before any other request can obtain one, since pools hand connections over in
 * FIFO order.
 *
 * @example
 * ```ts
 * const waits = new RequestPoolWait()
 * waits.start()
 * // in a query observer's start:
 * waits.chargeHandOver(query.alias, currentRequestTelemetry())
 * ```
 */
import { addPoolObserver } from '../../db/pool-observers.js'
import { currentRequestTelemetry, isInternal, type RequestTelemetry } from './telemetry-context.js'

/** Hand-over waits older than this are discarded (their statement never came). */
const HAND_OVER_TTL_MS = 5000
/** Most hand-over waits kept per alias. */
const MAX_PENDING_PER_ALIAS = 1000

interface PendingWait {
  readonly waitMs: number
  readonly at: number
}

/** Charges checkout waits to requests; see the module doc. */
export class RequestPoolWait {
  readonly #releasing = new Set<string>()
  readonly #pending = new Map<string, PendingWait[]>()
  #remove: (() => void) | null = null

  /**
   * Installs the pool observer.
   *
   * @example
   * ```ts
   * waits.start()
   * ```
   */
  start(): void {
    if (this.#remove !== null) return
    this.#remove = addPoolObserver({
      release: ({ alias }) => {
        if (this.#releasing.has(alias)) return
        this.#releasing.add(alias)
        queueMicrotask(() => this.#releasing.delete(alias))
      },
      checkout: ({ alias, wait_ms }) => {
        if (!(wait_ms > 0)) return
        if (this.#releasing.has(alias)) {
          let pending = this.#pending.get(alias)
          if (pending === undefined) {
            pending = []
            this.#pending.set(alias, pending)
          }
          if (pending.length >= MAX_PENDING_PER_ALIAS) pending.shift()
          pending.push({ waitMs: wait_ms, at: Date.now() })
          return
        }
        if (isInternal()) return
        const state = currentRequestTelemetry()
        if (state !== undefined) state.poolWaitMs += wait_ms
      },
    })
  }

  /**
   * Removes the observer and forgets pending waits.
   *
   * @example
   * ```ts
   * waits.stop()
   * ```
   */
  stop(): void {
    this.#remove?.()
    this.#remove = null
    this.#pending.clear()
  }

  /**
   * Called when a statement starts on `alias`: charges the oldest pending hand-over wait of that
   * alias to `state` (the statement's request, if any).
   *
   * @example
   * ```ts
   * waits.chargeHandOver('default', currentRequestTelemetry())
   * ```
   */
  chargeHandOver(alias: string, state: RequestTelemetry | undefined): void {
    const pending = this.#pending.get(alias)
    if (pending === undefined || pending.length === 0) return
    const now = Date.now()
    let next = pending.shift()
    while (next !== undefined && now - next.at > HAND_OVER_TTL_MS) next = pending.shift()
    if (next !== undefined && state !== undefined) state.poolWaitMs += next.waitMs
  }
}
