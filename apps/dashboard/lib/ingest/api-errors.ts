/**
 * The answer of an API route handler to an unexpected error: 503 with `Retry-After` when the store
 * is unreachable or saturated (the exporter retries), 500 otherwise; both logged, neither leaking
 * internals beyond the error class.
 *
 * @example
 * ```ts
 * try {
 *   return await handle(request)
 * } catch (err) {
 *   return unexpectedErrorResponse(err, 'ingest')
 * }
 * ```
 */
import { getLogger, OperationalError, PoolTimeout } from '@dorm/engine'
import { jsonError } from '../http'

const logger = getLogger('dorm.dashboard.api')

/** Seconds a client should wait after a 503. */
export const UNAVAILABLE_RETRY_AFTER_S = 5

/**
 * The JSON error response for an error a handler did not expect.
 *
 * @example
 * ```ts
 * unexpectedErrorResponse(new PoolTimeout('...', { alias: 'default', timeoutMs: 30000 }), 'ingest').status // 503
 * ```
 */
export function unexpectedErrorResponse(err: unknown, endpoint: string): Response {
  const name = err instanceof Error ? err.name : typeof err
  if (err instanceof OperationalError || err instanceof PoolTimeout) {
    logger.warning(`${endpoint}: the store is unavailable (${name}).`, { error: String(err) })
    return jsonError(
      503,
      'the dashboard store is unavailable: retry later',
      {},
      { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) },
    )
  }
  logger.error(`${endpoint}: unexpected ${name}.`, {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  })
  return jsonError(500, `internal error (${name}): see the dashboard's log`)
}
