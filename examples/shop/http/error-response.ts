/**
 * How an error becomes a response: HttpError → its status; a saturated pool, a budget hit, an open
 * circuit or a lost database → 503 with the reason (the client may retry); anything else → 500,
 * logged with its stack.
 *
 * @example
 * ```ts
 * try { await handler(context) } catch (err) { sendError(res, err) }
 * ```
 */
import type { ServerResponse } from 'node:http'
import {
  BudgetExceeded,
  CircuitOpenError,
  DoesNotExist,
  describeError,
  getLogger,
  OperationalError,
  PoolTimeout,
} from '@dorm/engine'
import { HttpError, sendJson } from './responses.js'

const logger = getLogger('shop.http')

/**
 * Answers `err` on `res` (nothing when the response has already started: the socket is closed).
 *
 * @example
 * ```ts
 * sendError(res, new PoolTimeout('...')) // 503 { error: 'PoolTimeout: ...', retryable: true }
 * ```
 */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: err.message, ...(err.field === undefined ? {} : { field: err.field }) })
    return
  }
  if (err instanceof DoesNotExist) {
    sendJson(res, 404, { error: err.message })
    return
  }
  const unavailable =
    err instanceof PoolTimeout ||
    err instanceof BudgetExceeded ||
    err instanceof CircuitOpenError ||
    err instanceof OperationalError
  if (unavailable) {
    logger.warning(`503: ${describeError(err)}`)
    res.setHeader('retry-after', '1')
    sendJson(res, 503, { error: describeError(err), retryable: true })
    return
  }
  logger.error(`500: ${describeError(err)}`, {}, err)
  sendJson(res, 500, { error: 'internal error; the server log has the details' })
}
