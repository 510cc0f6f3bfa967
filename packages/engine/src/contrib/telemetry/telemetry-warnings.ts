/**
 * The exporter's warnings on `dorm.contrib.telemetry`, at most one per minute: a dashboard that is
 * down for an hour gives 60 lines, not one per attempt. Warnings held back are counted and the
 * next one says how many.
 *
 * @example
 * ```ts
 * const warnings = new TelemetryWarnings()
 * warnings.warn('could not reach the dashboard: connect ECONNREFUSED', { url })
 * ```
 */
import { getLogger } from '../../db/logging.js'

const logger = getLogger('dorm.contrib.telemetry')

/** Shortest time between two warnings. */
export const WARNING_EVERY_MS = 60_000

/** Rate-limited WARNING logging; see the module doc. */
export class TelemetryWarnings {
  #last = Number.NEGATIVE_INFINITY
  #held = 0

  /**
   * Logs the warning unless one was logged less than a minute ago.
   *
   * @example
   * ```ts
   * warnings.warn('the dashboard refused a batch with HTTP 401: check the token')
   * ```
   */
  warn(message: string, data: Record<string, unknown> = {}, now = Date.now()): void {
    if (now - this.#last < WARNING_EVERY_MS) {
      this.#held++
      return
    }
    const held = this.#held
    this.#last = now
    this.#held = 0
    const suffix = held > 0 ? ` (${held} similar warning(s) held back in the last minute)` : ''
    logger.warning(`telemetry: ${message}${suffix}`, data)
  }
}
