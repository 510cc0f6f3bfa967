/**
 * The lag router's background machinery with a fake probe and a fake clock: the per-replica
 * breaker and its cooldown, probes detached from the caller's async context, the timer and the
 * probe timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LagRouterHarness, settle } from './lag-router-test-helpers.js'

const h = new LagRouterHarness()
beforeEach(() => h.setUp())
afterEach(() => {
  h.tearDown()
  vi.useRealTimers()
})

describe('LagAwareReadRouter breaker', () => {
  it('skips a replica without probing after failureThreshold unhealthy probes, until the cooldown ends', async () => {
    const router = h.router({ replicas: ['replica_1'], failureThreshold: 3, cooldownSeconds: 30, cacheSeconds: 5 })
    h.lags.set('replica_1', new Error('connection refused'))
    for (let i = 1; i <= 3; i++) {
      await router.refresh()
      expect(router.snapshot().replica_1?.consecutive_failures).toBe(i)
    }
    expect(router.snapshot().replica_1).toMatchObject({ breaker_open: true, healthy: false, lag_seconds: Infinity })
    expect(h.calls).toHaveLength(3)
    expect(router.dbForRead()).toBe('default')
    expect(h.warnings()).toEqual([
      'lag_router: every replica is over the lag threshold (replica_1: unreachable, skipped for 30.0s after 3 ' +
        "unhealthy probes); deflecting reads to primary 'default'",
    ])

    // the replica is back, but nothing probes it during the cooldown: not reads, not refresh()
    h.lags.set('replica_1', 0.1)
    h.advance(29.9)
    expect(router.dbForRead()).toBe('default')
    await router.refresh()
    await settle()
    expect(h.calls).toHaveLength(3)
    expect(h.warnings()).toHaveLength(1)

    h.advance(0.1)
    expect(router.dbForRead()).toBe('default') // the probe starts now, the answer comes later
    await settle()
    expect(h.calls).toHaveLength(4)
    expect(router.dbForRead()).toBe('replica_1')
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 0, breaker_open: false, healthy: true })
  })

  it('reopens at once when the first probe after the cooldown fails again', async () => {
    const router = h.router({ replicas: ['replica_1'], failureThreshold: 2, cooldownSeconds: 10 })
    h.lags.set('replica_1', 50)
    await router.refresh()
    await router.refresh()
    expect(router.snapshot().replica_1?.breaker_open).toBe(true)
    h.advance(10)
    await router.refresh()
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 3, breaker_open: true, lag_seconds: 50 })
  })

  it('never skips with cooldownSeconds 0: every stale measurement is probed', async () => {
    const router = h.router({ replicas: ['replica_1'], failureThreshold: 1, cooldownSeconds: 0, cacheSeconds: 1 })
    h.lags.set('replica_1', null)
    for (let i = 0; i < 4; i++) {
      await router.refresh()
      h.advance(1)
    }
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 4, breaker_open: false })
    router.dbForRead()
    expect(h.calls).toHaveLength(5)
  })
})

describe('LagAwareReadRouter background probing', () => {
  it('runs probes outside the async context of the read that started them', async () => {
    const requestContext = new AsyncLocalStorage<string>()
    const seen: Array<string | undefined> = []
    const router = h.router({
      replicas: ['replica_1'],
      probe: async () => {
        seen.push(requestContext.getStore())
        return 0
      },
    })
    requestContext.run('request-1', () => router.dbForRead())
    await settle()
    expect(seen).toEqual([undefined])
    await requestContext.run('request-2', () => router.refresh())
    expect(seen).toEqual([undefined, undefined])
  })

  it('keeps probing every cacheSeconds while reads come, stops when idle, and close() stops the timer', async () => {
    vi.useFakeTimers()
    const router = h.router({ replicas: ['replica_1'], cacheSeconds: 5 })
    router.dbForRead()
    await vi.advanceTimersByTimeAsync(0)
    expect(h.calls).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(1)

    router.dbForRead() // a read during the period keeps the timer going
    h.advance(5)
    await vi.advanceTimersByTimeAsync(5000)
    expect(h.calls).toHaveLength(2) // probed by the timer, not by a read

    h.advance(5)
    await vi.advanceTimersByTimeAsync(5000) // a period without reads: the timer stops
    expect(h.calls).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)

    router.dbForRead()
    await vi.advanceTimersByTimeAsync(0)
    expect(h.calls).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(1)
    router.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('counts a probe that does not answer within max(cacheSeconds, 1)s as unreachable', async () => {
    vi.useFakeTimers()
    const router = h.router({ replicas: ['replica_1'], cacheSeconds: 2, probe: () => new Promise(() => {}) })
    router.dbForRead()
    await vi.advanceTimersByTimeAsync(1999)
    expect(router.snapshot().replica_1?.checked_at).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, consecutive_failures: 1 })
  })
})
