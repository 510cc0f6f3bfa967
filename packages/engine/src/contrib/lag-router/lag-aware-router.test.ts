/**
 * LagAwareReadRouter with a fake probe and a fake clock: caching, random choice among healthy
 * replicas, deflection (logged once per episode), the per-replica breaker and its cooldown.
 * The real PostgreSQL probe is covered by test/integration/routing/lag-router.test.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configure, resetSettings } from '../../conf/settings.js'
import { onDormEvent, resetDormEventListeners, type StampedDormEvent } from '../../db/events.js'
import { addLogSink, type LogRecord, resetLogging, setLogLevel } from '../../db/logging.js'
import { dbForRead } from '../../db/router.js'
import { ImproperlyConfigured } from '../../errors.js'
import { defineModel } from '../../models/model.js'
import { LagAwareReadRouter } from './lag-aware-router.js'
import type { LagRouterOptions } from './options.js'

type Answer = number | null | Error

/** A probe answering from `lags`, recording its calls; `hold()` makes the next probes wait. */
function fakeProbe() {
  const lags = new Map<string, Answer>()
  const calls: string[] = []
  let gate: Promise<void> | undefined
  let open = () => {}
  return {
    lags,
    calls,
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve
      })
    },
    release() {
      gate = undefined
      open()
    },
    async probe(alias: string): Promise<number | null> {
      calls.push(alias)
      if (gate !== undefined) await gate
      const answer = lags.has(alias) ? (lags.get(alias) as Answer) : 0
      if (answer instanceof Error) throw answer
      return answer
    },
  }
}

/** Lets background probes finish (they only wait on microtasks with a fake probe). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

let now = 0
let probe: ReturnType<typeof fakeProbe>
let logs: LogRecord[]
let events: StampedDormEvent[]
let removeSink: () => void
let unsubscribe: () => void
const routers: LagAwareReadRouter[] = []

function makeRouter(options: Partial<LagRouterOptions> = {}): LagAwareReadRouter {
  const router = new LagAwareReadRouter({
    replicas: ['replica_1', 'replica_2'],
    clock: () => now,
    probe: (alias) => probe.probe(alias),
    ...options,
  })
  routers.push(router)
  return router
}

const advance = (seconds: number) => {
  now += seconds * 1000
}
const warnings = () => logs.filter((r) => r.level === 'WARNING').map((r) => r.message)
const deflections = () => events.filter((e) => e.type === 'replica_deflection')

beforeEach(() => {
  now = 1_000_000
  probe = fakeProbe()
  logs = []
  events = []
  setLogLevel('dorm.contrib.lag_router', 'INFO')
  removeSink = addLogSink((record) => logs.push(record))
  unsubscribe = onDormEvent((event) => events.push(event))
  configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_2: 'sqlite://' } })
})

afterEach(() => {
  for (const router of routers.splice(0)) router.close()
  removeSink()
  unsubscribe()
  resetDormEventListeners()
  resetLogging()
  resetSettings()
  vi.useRealTimers()
})

describe('LagAwareReadRouter routing', () => {
  it('sends reads to the primary until the first probes finish, quietly, then to a healthy replica', async () => {
    const router = makeRouter()
    expect(router.dbForRead()).toBe('default')
    expect(probe.calls).toEqual(['replica_1', 'replica_2'])
    // a second read while the probes run starts no other probe
    expect(router.dbForRead()).toBe('default')
    expect(probe.calls).toHaveLength(2)
    await settle()
    expect(['replica_1', 'replica_2']).toContain(router.dbForRead())
    expect(warnings()).toEqual([])
    expect(deflections()).toEqual([])
  })

  it('picks uniformly at random among the healthy replicas only', async () => {
    let draw = 0
    const router = makeRouter({ replicas: ['replica_1', 'replica_2', 'default_2'], primary: 'default' })
    configure({
      DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_2: 'sqlite://', default_2: 'sqlite://' },
    })
    const seeded = makeRouter({ random: () => draw })
    await seeded.refresh()
    draw = 0
    expect(seeded.dbForRead()).toBe('replica_1')
    draw = 0.49
    expect(seeded.dbForRead()).toBe('replica_1')
    draw = 0.5
    expect(seeded.dbForRead()).toBe('replica_2')
    draw = 0.999
    expect(seeded.dbForRead()).toBe('replica_2')

    probe.lags.set('replica_2', 9)
    await router.refresh()
    const picked = new Set(Array.from({ length: 50 }, () => router.dbForRead()))
    expect([...picked].sort()).toEqual(['default_2', 'replica_1'])
  })

  it('uses a measurement for cacheSeconds, then probes again in the background and uses the old value meanwhile', async () => {
    const router = makeRouter({ cacheSeconds: 5, replicas: ['replica_1'] })
    await router.refresh()
    expect(probe.calls).toEqual(['replica_1'])
    advance(4.9)
    expect(router.dbForRead()).toBe('replica_1')
    expect(probe.calls).toHaveLength(1)

    advance(0.1)
    probe.lags.set('replica_1', 30)
    probe.hold()
    expect(router.dbForRead()).toBe('replica_1') // stale but healthy: still used while the probe runs
    expect(probe.calls).toHaveLength(2)
    expect(router.dbForRead()).toBe('replica_1')
    expect(probe.calls).toHaveLength(2)
    probe.release()
    await settle()
    expect(router.dbForRead()).toBe('default')
  })

  it('deflects to the primary with one WARNING and one replica_deflection event per episode', async () => {
    const router = makeRouter({ maxLagSeconds: 2 })
    probe.lags.set('replica_1', 4.2)
    probe.lags.set('replica_2', new Error('connection refused'))
    await router.refresh()
    for (let i = 0; i < 5; i++) expect(router.dbForRead()).toBe('default')

    expect(warnings()).toEqual([
      "lag_router: every replica is over the lag threshold (replica_1: 4.2s, replica_2: unreachable); deflecting reads to primary 'default'",
    ])
    const warning = logs.find((r) => r.level === 'WARNING')
    expect(warning?.logger).toBe('dorm.contrib.lag_router')
    expect(warning?.data).toMatchObject({ errors: { replica_2: 'Error: connection refused' } })
    expect(deflections()).toEqual([
      {
        type: 'replica_deflection',
        primary: 'default',
        lag_seconds: { replica_1: 4.2, replica_2: null },
        max_lag_seconds: 2,
        time: expect.any(Number),
      },
    ])

    // replica_1 catches up: reads go back, with an INFO
    probe.lags.set('replica_1', 0.5)
    await router.refresh()
    expect(router.dbForRead()).toBe('replica_1')
    expect(logs.filter((r) => r.level === 'INFO').map((r) => r.message)).toEqual([
      'lag_router: replica_1 back within 2s of the primary; reads go to replicas again',
    ])

    // a new episode warns again
    probe.lags.set('replica_1', 3)
    await router.refresh()
    expect(router.dbForRead()).toBe('default')
    expect(warnings()).toHaveLength(2)
    expect(deflections()).toHaveLength(2)
  })

  it('counts a lag exactly at the threshold as healthy', async () => {
    const router = makeRouter({ maxLagSeconds: 2, replicas: ['replica_1'] })
    probe.lags.set('replica_1', 2)
    await router.refresh()
    expect(router.dbForRead()).toBe('replica_1')
  })

  it('sends writes to the primary and allows migrations on the primary only', () => {
    const router = makeRouter({ primary: 'default' })
    expect(router.dbForWrite()).toBe('default')
    expect(router.allowMigrate('default', 'library')).toBe(true)
    expect(router.allowMigrate('replica_1', 'library')).toBe(false)
  })

  it('is asked through DATABASE_ROUTERS like any router', async () => {
    const Note = defineModel('lagunit.Note', { fields: {} })
    const router = makeRouter({ replicas: ['replica_1'] })
    configure({ DATABASE_ROUTERS: [router] })
    await router.refresh()
    expect(dbForRead(Note)).toBe('replica_1')
  })
})

describe('LagAwareReadRouter breaker', () => {
  it('skips a replica without probing after failureThreshold unhealthy probes, until the cooldown ends', async () => {
    const router = makeRouter({ replicas: ['replica_1'], failureThreshold: 3, cooldownSeconds: 30, cacheSeconds: 5 })
    probe.lags.set('replica_1', new Error('connection refused'))
    for (let i = 1; i <= 3; i++) {
      await router.refresh()
      expect(router.snapshot().replica_1?.consecutive_failures).toBe(i)
    }
    expect(router.snapshot().replica_1).toMatchObject({ breaker_open: true, healthy: false, lag_seconds: Infinity })
    expect(probe.calls).toHaveLength(3)
    expect(router.dbForRead()).toBe('default')
    expect(warnings()).toEqual([
      'lag_router: every replica is over the lag threshold (replica_1: unreachable, skipped for 30.0s after 3 ' +
        "unhealthy probes); deflecting reads to primary 'default'",
    ])

    // the replica is back, but nothing probes it during the cooldown: not reads, not refresh()
    probe.lags.set('replica_1', 0.1)
    advance(29.9)
    expect(router.dbForRead()).toBe('default')
    await router.refresh()
    await settle()
    expect(probe.calls).toHaveLength(3)
    expect(warnings()).toHaveLength(1)

    advance(0.1)
    expect(router.dbForRead()).toBe('default') // the probe starts now, the answer comes later
    await settle()
    expect(probe.calls).toHaveLength(4)
    expect(router.dbForRead()).toBe('replica_1')
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 0, breaker_open: false, healthy: true })
  })

  it('reopens at once when the first probe after the cooldown fails again', async () => {
    const router = makeRouter({ replicas: ['replica_1'], failureThreshold: 2, cooldownSeconds: 10 })
    probe.lags.set('replica_1', 50)
    await router.refresh()
    await router.refresh()
    expect(router.snapshot().replica_1?.breaker_open).toBe(true)
    advance(10)
    await router.refresh()
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 3, breaker_open: true, lag_seconds: 50 })
  })

  it('never skips with cooldownSeconds 0: every stale measurement is probed', async () => {
    const router = makeRouter({ replicas: ['replica_1'], failureThreshold: 1, cooldownSeconds: 0, cacheSeconds: 1 })
    probe.lags.set('replica_1', null)
    for (let i = 0; i < 4; i++) {
      await router.refresh()
      advance(1)
    }
    expect(router.snapshot().replica_1).toMatchObject({ consecutive_failures: 4, breaker_open: false })
    router.dbForRead()
    expect(probe.calls).toHaveLength(5)
  })
})

describe('LagAwareReadRouter inspection', () => {
  it('snapshot() reports every replica, unknown ones with an infinite lag', async () => {
    const router = makeRouter()
    expect(router.snapshot()).toEqual({
      replica_1: {
        lag_seconds: Infinity,
        healthy: false,
        checked_at: null,
        consecutive_failures: 0,
        breaker_open: false,
      },
      replica_2: {
        lag_seconds: Infinity,
        healthy: false,
        checked_at: null,
        consecutive_failures: 0,
        breaker_open: false,
      },
    })
    // JSON has no Infinity: an unknown lag is null there
    expect(JSON.parse(JSON.stringify(router.snapshot())).replica_1.lag_seconds).toBeNull()
    probe.lags.set('replica_1', 0.25)
    probe.lags.set('replica_2', 7)
    const snapshot = await router.refresh()
    expect(snapshot).toEqual(router.snapshot())
    expect(snapshot.replica_1).toMatchObject({ lag_seconds: 0.25, healthy: true, consecutive_failures: 0 })
    expect(snapshot.replica_2).toMatchObject({ lag_seconds: 7, healthy: false, consecutive_failures: 1 })
    expect(Date.parse(snapshot.replica_1?.checked_at ?? '')).not.toBeNaN()
  })

  it('reset() forgets measurements and breakers, and ignores probes that were running', async () => {
    const router = makeRouter({ replicas: ['replica_1'], failureThreshold: 1 })
    probe.lags.set('replica_1', 100)
    await router.refresh()
    expect(router.snapshot().replica_1?.breaker_open).toBe(true)
    router.reset()
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, breaker_open: false, checked_at: null })

    probe.hold()
    router.dbForRead() // starts a probe that will answer 100
    router.reset()
    probe.lags.set('replica_1', 0)
    probe.release()
    await settle()
    expect(router.snapshot().replica_1?.checked_at).toBeNull()
  })

  it('treats a probe answering something other than a number as unreachable', async () => {
    const router = makeRouter({ replicas: ['replica_1'], probe: async () => Number.NaN })
    await router.refresh()
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, consecutive_failures: 1 })
  })
})

describe('LagAwareReadRouter configuration', () => {
  it('checks its aliases against DATABASES at first use, so it can be built before configure()', async () => {
    resetSettings()
    const router = makeRouter({ replicas: ['replica_1', 'replica_9'] })
    configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://' } })
    expect(() => router.dbForRead()).toThrow(ImproperlyConfigured)
    expect(() => router.dbForWrite()).toThrow(
      "LagAwareReadRouter: 'replica_9' is not in DATABASES (configured aliases: 'default', 'replica_1'). " +
        'Add it to DATABASES, or fix the primary / replicas given to the router.',
    )
    await expect(router.refresh()).rejects.toThrow(/'replica_9' is not in DATABASES/)
    expect(probe.calls).toEqual([])

    configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_9: 'sqlite://' } })
    expect(router.dbForRead()).toBe('default')
  })

  it('is skipped with a WARNING by the router chain when misconfigured', () => {
    const Note = defineModel('lagunit.Misconfigured', { fields: {} })
    const router = makeRouter({ primary: 'nowhere', replicas: ['replica_1'] })
    configure({ DATABASE_ROUTERS: [router] })
    expect(dbForRead(Note)).toBe('default')
    expect(
      logs.some((r) => r.level === 'WARNING' && /LagAwareReadRouter\.dbForRead failed.*'nowhere'/.test(r.message)),
    ).toBe(true)
  })
})

describe('LagAwareReadRouter background probing', () => {
  it('runs probes outside the async context of the read that started them', async () => {
    const requestContext = new AsyncLocalStorage<string>()
    const seen: Array<string | undefined> = []
    const router = makeRouter({
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
    const router = makeRouter({ replicas: ['replica_1'], cacheSeconds: 5 })
    router.dbForRead()
    await vi.advanceTimersByTimeAsync(0)
    expect(probe.calls).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(1)

    router.dbForRead() // a read during the period keeps the timer going
    advance(5)
    await vi.advanceTimersByTimeAsync(5000)
    expect(probe.calls).toHaveLength(2) // probed by the timer, not by a read

    advance(5)
    await vi.advanceTimersByTimeAsync(5000) // a period without reads: the timer stops
    expect(probe.calls).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)

    router.dbForRead()
    await vi.advanceTimersByTimeAsync(0)
    expect(probe.calls).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(1)
    router.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('counts a probe that does not answer within max(cacheSeconds, 1)s as unreachable', async () => {
    vi.useFakeTimers()
    const router = makeRouter({ replicas: ['replica_1'], cacheSeconds: 2, probe: () => new Promise(() => {}) })
    router.dbForRead()
    await vi.advanceTimersByTimeAsync(1999)
    expect(router.snapshot().replica_1?.checked_at).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, consecutive_failures: 1 })
  })
})
