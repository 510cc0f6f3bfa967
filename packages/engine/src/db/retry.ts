import { retryAttempts, retryBackoff } from '../conf/settings.js'
import type { DormError } from '../errors.js'
import { emitDormEvent } from './events.js'
import { getLogger } from './logging.js'

const dbLogger = getLogger('dorm.db')

/** What a retried operation needs to know to decide and to report. */
export interface RetryContext {
  alias: string
  vendor: string
  /** Maps a raw error to a dorm error. */
  mapError(err: unknown): DormError
  /** Whether a mapped error is a connection-class failure worth another attempt. */
  isTransient(err: DormError): boolean
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `operation` up to RETRY_ATTEMPTS times while it fails with a transient (connection-class)
 * error, sleeping RETRY_BACKOFF x 2^(attempt-1) seconds between attempts and logging a WARNING on
 * `dorm.db` for each retry. Other errors, and the last transient one, propagate mapped.
 * Callers never use it inside a transaction.
 *
 * @example
 * ```ts
 * const rows = await withRetry(ctx, () => runOnce())
 * ```
 */
export async function withRetry<T>(context: RetryContext, operation: () => Promise<T>): Promise<T> {
  const attempts = retryAttempts()
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (raw) {
      const err = context.mapError(raw)
      if (attempt >= attempts || !context.isTransient(err)) throw err
      const delayMs = retryBackoff() * 1000 * 2 ** (attempt - 1)
      dbLogger.warning(
        `retrying on alias '${context.alias}' after ${err.name}: ${err.message} ` +
          `(attempt ${attempt} of ${attempts} failed; next in ${Math.round(delayMs)} ms)`,
        { alias: context.alias, vendor: context.vendor, attempt, attempts, delay_ms: delayMs, error: err.name },
      )
      emitDormEvent({
        type: 'retry',
        alias: context.alias,
        vendor: context.vendor,
        attempt,
        attempts,
        delay_ms: delayMs,
        error: err.name,
      })
      await sleep(delayMs)
    }
  }
}
