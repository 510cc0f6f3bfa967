import { describe, expect, it } from 'vitest'
import { backoffDelayMs, isRetryableStatus, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-policy.js'

describe('the exporter retry policy', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([200, 202, 400, 401, 403, 404, 413, 415].some(isRetryableStatus)).toBe(false)
  })

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(' 0.5 ')).toBe(500)
    expect(parseRetryAfter(null)).toBeNull()
    expect(parseRetryAfter('soon')).toBeNull()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('999999')).toBe(MAX_RETRY_AFTER_MS)
  })

  it('backs off exponentially with jitter, never above the cap', () => {
    expect(backoffDelayMs(1, 1000, 60_000, () => 1)).toBe(1000)
    expect(backoffDelayMs(1, 1000, 60_000, () => 0)).toBe(500)
    expect(backoffDelayMs(3, 1000, 60_000, () => 1)).toBe(4000)
    expect(backoffDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000)
    expect(backoffDelayMs(200, 1000, 60_000, () => 0.5)).toBe(45_000)
  })
})
