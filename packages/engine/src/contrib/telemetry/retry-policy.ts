/**
 * When the exporter tries a batch again: on 429 and 5xx answers and on network errors and
 * timeouts, after the server's `Retry-After` when it gave one (seconds or an HTTP date, capped at
 * {@link MAX_RETRY_AFTER_MS}), else after a capped exponential backoff with jitter
 * (`base × 2^(attempt-1)`, between 50% and 100% of that, never above the cap).
 *
 * @example
 * ```ts
 * isRetryableStatus(503) // true
 * parseRetryAfter('2') // 2000
 * backoffDelayMs(3, 1000, 60_000) // between 2000 and 4000
 * ```
 */

/** The longest Retry-After honoured (a misconfigured server must not silence the exporter for days). */
export const MAX_RETRY_AFTER_MS = 10 * 60_000

/**
 * Whether an HTTP status means "try the same batch again later".
 *
 * @example
 * ```ts
 * isRetryableStatus(429) // true
 * isRetryableStatus(400) // false
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599)
}

/**
 * A Retry-After header in milliseconds (delta-seconds or HTTP date), or null when absent or
 * unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('1.5') // 1500
 * parseRetryAfter(new Date(Date.now() + 3000).toUTCString()) // about 3000
 * ```
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null
  const text = header.trim()
  if (text === '') return null
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now))
}

/**
 * The backoff before attempt `attempt + 1` (attempt counts from 1), with jitter.
 *
 * @example
 * ```ts
 * backoffDelayMs(1, 1000, 60_000) // 500..1000
 * ```
 */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)))
  return ceiling / 2 + (ceiling / 2) * random()
}
