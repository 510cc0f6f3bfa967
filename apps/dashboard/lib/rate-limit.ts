/**
 * Per-key rate limiting of the API: a token bucket per API key, in this process's memory. Each
 * request takes a token; tokens refill at `ratePerSecond` up to `burst`. An empty bucket answers
 * 429 with `Retry-After` (whole seconds until a token is back). Configured by
 * `DASHBOARD_RATE_LIMIT_PER_S` (default 20 batches/s) and `DASHBOARD_RATE_LIMIT_BURST` (default twice the rate: 40);
 * `DASHBOARD_RATE_LIMIT_PER_S=0` turns it off.
 *
 * @example
 * ```ts
 * const verdict = rateLimitFor(auth.keyId)
 * if (!verdict.ok) return jsonError(429, 'rate limit exceeded', {}, { 'retry-after': String(verdict.retryAfterS) })
 * ```
 */
import { ImproperlyConfigured } from '@dorm/engine'

/** Default sustained rate per key, in requests per second. */
export const DEFAULT_RATE_PER_S = 20
/** Default burst per key. */
export const DEFAULT_BURST = 40

/** The outcome of taking a token. */
export type RateVerdict = { ok: true } | { ok: false; retryAfterS: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * Token buckets by key.
 *
 * @example
 * ```ts
 * const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 4 })
 * limiter.take('key-1') // { ok: true }
 * ```
 */
export class TokenBucketLimiter {
  readonly ratePerSecond: number
  readonly burst: number
  readonly #now: () => number
  readonly #buckets = new Map<string | number, Bucket>()

  constructor(options: { ratePerSecond: number; burst: number; now?: () => number }) {
    if (!(Number.isFinite(options.ratePerSecond) && options.ratePerSecond > 0)) {
      throw new ImproperlyConfigured(`rate limit: ratePerSecond must be > 0, got ${String(options.ratePerSecond)}.`)
    }
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) {
      throw new ImproperlyConfigured(`rate limit: burst must be >= 1, got ${String(options.burst)}.`)
    }
    this.ratePerSecond = options.ratePerSecond
    this.burst = options.burst
    this.#now = options.now ?? (() => performance.now())
  }

  /**
   * Takes one token for `key`: ok, or how many whole seconds to wait before the next one.
   *
   * @example
   * ```ts
   * const verdict = limiter.take(auth.keyId)
   * ```
   */
  take(key: string | number): RateVerdict {
    const now = this.#now()
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, updatedAt: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond)
    bucket.updatedAt = now
    this.#buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { ok: true }
    }
    const waitS = (1 - bucket.tokens) / this.ratePerSecond
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(waitS)) }
  }
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) {
    throw new ImproperlyConfigured(`${name} must be a number >= 0, got '${raw}'. E.g. ${name}=${fallback}.`)
  }
  return value
}

let shared: { config: string; limiter: TokenBucketLimiter | null } | undefined

/**
 * Takes a token for an API key from the process-wide limiter configured by the environment (read
 * again on each call, so a changed setting applies without a restart and starts from full buckets).
 *
 * @example
 * ```ts
 * const verdict = rateLimitFor(auth.keyId)
 * ```
 */
export function rateLimitFor(keyId: number): RateVerdict {
  const rate = envNumber('DASHBOARD_RATE_LIMIT_PER_S', DEFAULT_RATE_PER_S)
  const burst = envNumber('DASHBOARD_RATE_LIMIT_BURST', Math.max(1, rate * 2))
  const config = `${rate}/${burst}`
  if (shared?.config !== config) {
    shared = { config, limiter: rate === 0 ? null : new TokenBucketLimiter({ ratePerSecond: rate, burst }) }
  }
  return shared.limiter === null ? { ok: true } : shared.limiter.take(keyId)
}

/**
 * Forgets every bucket (tests that switch stores, where key ids start over).
 *
 * @example
 * ```ts
 * beforeEach(resetRateLimits)
 * ```
 */
export function resetRateLimits(): void {
  shared = undefined
}
