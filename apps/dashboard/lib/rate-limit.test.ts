import { describe, expect, it } from 'vitest'
import { TokenBucketLimiter } from './rate-limit'

describe('TokenBucketLimiter', () => {
  it('allows the burst, then refills at the rate and says how long to wait', () => {
    let now = 0
    const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 3, now: () => now })
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ])
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterS: 1 })
    now = 500 // one token back
    expect(limiter.take('k')).toEqual({ ok: true })
    expect(limiter.take('k').ok).toBe(false)
    expect(limiter.take('other')).toEqual({ ok: true })
  })

  it('rounds Retry-After up to whole seconds', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 0.2, burst: 1, now: () => 0 })
    limiter.take(1)
    expect(limiter.take(1)).toEqual({ ok: false, retryAfterS: 5 })
  })

  it('refuses a rate or burst that cannot work', () => {
    expect(() => new TokenBucketLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond must be > 0/)
    expect(() => new TokenBucketLimiter({ ratePerSecond: 1, burst: 0.5 })).toThrow(/burst must be >= 1/)
  })
})
