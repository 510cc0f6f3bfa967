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
export function withRetry<T>(context: RetryContext, operation: () => Promise<T>): Promise<T> {
  // the first attempt runs without an async frame of its own: most statements succeed at once,
  // and every extra frame is a microtask hop on the hottest path
  let first: Promise<T>
  try {
    first = operation()
  } catch (raw) {
    first = Promise.reject(raw)
  }
  return first.catch((raw: unknown) => retryAfter(context, operation, raw))
}

/**
 * {@link withRetry} once the first attempt has failed with `firstError` (for callers that made
 * that attempt themselves): retries while the error is transient, else rejects with it mapped.
 *
 * @example
 * ```ts
 * try { return runNow() } catch (err) { return retryAfter(ctx, () => runLater(), err) }
 * ```
 */
export async function retryAfter<T>(
  context: RetryContext,
  operation: () => Promise<T>,
  firstError: unknown,
): Promise<T> {
  const attempts = retryAttempts()
  let raw = firstError
  for (let attempt = 1; ; attempt++) {
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
    try {
      return await operation()
    } catch (next) {
      raw = next
    }
  }
}
