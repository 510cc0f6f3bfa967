/**
 * LagAwareReadRouter with a fake probe and a fake clock: warm-up, caching, random choice among
 * healthy replicas, deflection (logged once per episode), inspection and configuration. The
 * breaker and the background probing are in lag-monitor.test.ts; the real PostgreSQL probe in
 * test/integration/routing/lag-router.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../../conf/settings.js'
import { dbForRead } from '../../db/router.js'
import { ImproperlyConfigured } from '../../errors.js'
import { defineModel } from '../../models/model.js'
import { LagRouterHarness, settle } from './lag-router-test-helpers.js'

const h = new LagRouterHarness()
beforeEach(() => h.setUp())
afterEach(() => h.tearDown())

describe('LagAwareReadRouter routing', () => {
  it('sends reads to the primary until the first probes finish, quietly, then to a healthy replica', async () => {
    const router = h.router()
    expect(router.dbForRead()).toBe('default')
    expect(h.calls).toEqual(['replica_1', 'replica_2'])
    // a second read while the probes run starts no other probe
    expect(router.dbForRead()).toBe('default')
    expect(h.calls).toHaveLength(2)
    await settle()
    expect(['replica_1', 'replica_2']).toContain(router.dbForRead())
    expect(h.warnings()).toEqual([])
    expect(h.deflections()).toEqual([])
  })

  it('picks uniformly at random among the healthy replicas only', async () => {
    let draw = 0
    const seeded = h.router({ random: () => draw })
    await seeded.refresh()
    for (const [value, alias] of [
      [0, 'replica_1'],
      [0.49, 'replica_1'],
      [0.5, 'replica_2'],
      [0.999, 'replica_2'],
    ] as const) {
      draw = value
      expect(seeded.dbForRead()).toBe(alias)
    }

    configure({
      DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_2: 'sqlite://', replica_3: 'sqlite://' },
    })
    const router = h.router({ replicas: ['replica_1', 'replica_2', 'replica_3'] })
    h.lags.set('replica_2', 9)
    await router.refresh()
    const picked = new Set(Array.from({ length: 50 }, () => router.dbForRead()))
    expect([...picked].sort()).toEqual(['replica_1', 'replica_3'])
  })

  it('uses a measurement for cacheSeconds, then probes again in the background and uses the old value meanwhile', async () => {
    const router = h.router({ cacheSeconds: 5, replicas: ['replica_1'] })
    await router.refresh()
    expect(h.calls).toEqual(['replica_1'])
    h.advance(4.9)
    expect(router.dbForRead()).toBe('replica_1')
    expect(h.calls).toHaveLength(1)

    h.advance(0.1)
    h.lags.set('replica_1', 30)
    h.hold()
    expect(router.dbForRead()).toBe('replica_1') // stale but healthy: still used while the probe runs
    expect(h.calls).toHaveLength(2)
    expect(router.dbForRead()).toBe('replica_1')
    expect(h.calls).toHaveLength(2)
    h.release()
    await settle()
    expect(router.dbForRead()).toBe('default')
  })

  it('deflects to the primary with one WARNING and one replica_deflection event per episode', async () => {
    const router = h.router({ maxLagSeconds: 2 })
    h.lags.set('replica_1', 4.2)
    h.lags.set('replica_2', new Error('connection refused'))
    await router.refresh()
    for (let i = 0; i < 5; i++) expect(router.dbForRead()).toBe('default')

    expect(h.warnings()).toEqual([
      "lag_router: every replica is over the lag threshold (replica_1: 4.2s, replica_2: unreachable); deflecting reads to primary 'default'",
    ])
    const warning = h.logs.find((r) => r.level === 'WARNING')
    expect(warning?.logger).toBe('dorm.contrib.lag_router')
    expect(warning?.data).toMatchObject({ errors: { replica_2: 'Error: connection refused' } })
    expect(h.deflections()).toEqual([
      {
        type: 'replica_deflection',
        primary: 'default',
        lag_seconds: { replica_1: 4.2, replica_2: null },
        max_lag_seconds: 2,
        time: expect.any(Number),
      },
    ])

    // replica_1 catches up: reads go back, with an INFO
    h.lags.set('replica_1', 0.5)
    await router.refresh()
    expect(router.dbForRead()).toBe('replica_1')
    expect(h.logs.filter((r) => r.level === 'INFO').map((r) => r.message)).toEqual([
      'lag_router: replica_1 back within 2s of the primary; reads go to replicas again',
    ])

    // a new episode warns again
    h.lags.set('replica_1', 3)
    await router.refresh()
    expect(router.dbForRead()).toBe('default')
    expect(h.warnings()).toHaveLength(2)
    expect(h.deflections()).toHaveLength(2)
  })

  it('counts a lag exactly at the threshold as healthy', async () => {
    const router = h.router({ maxLagSeconds: 2, replicas: ['replica_1'] })
    h.lags.set('replica_1', 2)
    await router.refresh()
    expect(router.dbForRead()).toBe('replica_1')
  })

  it('sends writes to the primary and allows migrations on the primary only', () => {
    const router = h.router({ primary: 'default' })
    expect(router.dbForWrite()).toBe('default')
    expect(router.allowMigrate('default', 'library')).toBe(true)
    expect(router.allowMigrate('replica_1', 'library')).toBe(false)
  })

  it('is asked through DATABASE_ROUTERS like any router', async () => {
    const Note = defineModel('lagunit.Note', { fields: {} })
    const router = h.router({ replicas: ['replica_1'] })
    configure({ DATABASE_ROUTERS: [router] })
    await router.refresh()
    expect(dbForRead(Note)).toBe('replica_1')
  })
})

describe('LagAwareReadRouter inspection', () => {
  it('snapshot() reports every replica, unknown ones with an infinite lag', async () => {
    const router = h.router()
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
    h.lags.set('replica_1', 0.25)
    h.lags.set('replica_2', 7)
    const snapshot = await router.refresh()
    expect(snapshot).toEqual(router.snapshot())
    expect(snapshot.replica_1).toMatchObject({ lag_seconds: 0.25, healthy: true, consecutive_failures: 0 })
    expect(snapshot.replica_2).toMatchObject({ lag_seconds: 7, healthy: false, consecutive_failures: 1 })
    expect(Date.parse(snapshot.replica_1?.checked_at ?? '')).not.toBeNaN()
  })

  it('reset() forgets measurements and breakers, and ignores probes that were running', async () => {
    const router = h.router({ replicas: ['replica_1'], failureThreshold: 1 })
    h.lags.set('replica_1', 100)
    await router.refresh()
    expect(router.snapshot().replica_1?.breaker_open).toBe(true)
    router.reset()
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, breaker_open: false, checked_at: null })

    h.hold()
    router.dbForRead() // starts a probe that will answer 100
    router.reset()
    h.lags.set('replica_1', 0)
    h.release()
    await settle()
    expect(router.snapshot().replica_1?.checked_at).toBeNull()
  })

  it('treats a probe answering something other than a number as unreachable', async () => {
    const router = h.router({ replicas: ['replica_1'], probe: async () => Number.NaN })
    await router.refresh()
    expect(router.snapshot().replica_1).toMatchObject({ lag_seconds: Infinity, consecutive_failures: 1 })
  })
})

describe('LagAwareReadRouter configuration', () => {
  it('checks its aliases against DATABASES at first use, so it can be built before configure()', async () => {
    resetSettings()
    const router = h.router({ replicas: ['replica_1', 'replica_9'] })
    configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://' } })
    expect(() => router.dbForRead()).toThrow(ImproperlyConfigured)
    expect(() => router.dbForWrite()).toThrow(
      "LagAwareReadRouter: 'replica_9' is not in DATABASES (configured aliases: 'default', 'replica_1'). " +
        'Add it to DATABASES, or fix the primary / replicas given to the router.',
    )
    await expect(router.refresh()).rejects.toThrow(/'replica_9' is not in DATABASES/)
    expect(h.calls).toEqual([])

    configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_9: 'sqlite://' } })
    expect(router.dbForRead()).toBe('default')
  })

  it('is skipped with a WARNING by the router chain when misconfigured', () => {
    const Note = defineModel('lagunit.Misconfigured', { fields: {} })
    const router = h.router({ primary: 'nowhere', replicas: ['replica_1'] })
    configure({ DATABASE_ROUTERS: [router] })
    expect(dbForRead(Note)).toBe('default')
    expect(
      h.logs.some((r) => r.level === 'WARNING' && /LagAwareReadRouter\.dbForRead failed.*'nowhere'/.test(r.message)),
    ).toBe(true)
  })
})
