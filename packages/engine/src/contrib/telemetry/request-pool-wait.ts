/**
 * Pool wait per request: every checkout is reported in the async context of the caller that asked
 * for the connection (the pools capture a waiting caller's context and report a hand-over inside
 * it), so the wait is charged to the request running there, if any. The exporter's own probes are
 * not requests and are skipped.
 *
 * @example
 * ```ts
 * const waits = new RequestPoolWait()
 * waits.start()
 * // ... currentRequestTelemetry().poolWaitMs grows with each checkout wait of the request
 * waits.stop()
 * ```
 */
import { addPoolObserver } from '../../db/pool-observers.js'
import { currentRequestTelemetry, isInternal } from './telemetry-context.js'

/** Charges checkout waits to requests; see the module doc. */
export class RequestPoolWait {
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
      checkout: ({ wait_ms }) => {
        if (!(wait_ms > 0) || isInternal()) return
        const state = currentRequestTelemetry()
        if (state !== undefined) state.poolWaitMs += wait_ms
      },
    })
  }

  /**
   * Removes the observer.
   *
   * @example
   * ```ts
   * waits.stop()
   * ```
   */
  stop(): void {
    this.#remove?.()
    this.#remove = null
  }
}
