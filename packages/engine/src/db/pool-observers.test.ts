import { afterEach, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/support/logs.js'
import { SingleConnectionGate } from '../backends/base/single-connection-gate.js'
import {
  addPoolObserver,
  type PoolCheckoutEvent,
  type PoolReleaseEvent,
  type PoolTimeoutObservation,
  poolGaugesOf,
  poolObservers,
} from './pool-observers.js'

function recorder() {
  const checkouts: PoolCheckoutEvent[] = []
  const releases: PoolReleaseEvent[] = []
  const timeouts: PoolTimeoutObservation[] = []
  const remove = addPoolObserver({
    checkout: (e) => checkouts.push(e),
    release: (e) => releases.push(e),
    timeout: (e) => timeouts.push(e),
  })
  return { checkouts, releases, timeouts, remove }
}

const removers: (() => void)[] = []
afterEach(() => {
  for (const remove of removers.splice(0)) remove()
})

describe('pool observers on the single-connection gate', () => {
  it('reports checkout wait, release hold time and timeouts under the alias', async () => {
    const seen = recorder()
    removers.push(seen.remove)
    const gate = new SingleConnectionGate('conn', 'notes')
    const first = await gate.acquire()
    const second = gate.acquire()
    const third = gate.acquire(20, () => new Error('timed out'))
    await expect(third).rejects.toThrow('timed out')
    await new Promise((resolve) => setTimeout(resolve, 5))
    first.release()
    ;(await second).release()

    expect(seen.checkouts).toHaveLength(2)
    expect(seen.checkouts[0]).toEqual({ alias: 'notes', wait_ms: 0 })
    expect(seen.checkouts[1]?.alias).toBe('notes')
    expect(seen.checkouts[1]?.wait_ms).toBeGreaterThan(0)
    expect(seen.releases.map((r) => r.alias)).toEqual(['notes', 'notes'])
    expect(seen.releases[0]?.use_ms).toBeGreaterThan(0)
    expect(seen.timeouts).toEqual([{ alias: 'notes' }])
  })

  it('reports nothing for a gate without an alias, or once the observer is removed', async () => {
    const seen = recorder()
    ;(await new SingleConnectionGate('conn').acquire()).release()
    seen.remove()
    ;(await new SingleConnectionGate('conn', 'notes').acquire()).release()
    expect(seen.checkouts).toEqual([])
    expect(seen.releases).toEqual([])
    expect(poolObservers).toHaveLength(0)
  })

  it('logs an observer that throws on dorm.observers and still hands out the lease', async () => {
    const logs = captureLogs({ 'dorm.observers': 'ERROR' })
    removers.push(
      addPoolObserver({
        checkout() {
          throw new Error('broken exporter')
        },
      }),
    )
    const lease = await new SingleConnectionGate('conn', 'notes').acquire()
    expect(lease.value).toBe('conn')
    lease.release()
    expect(logs.records.some((r) => r.level === 'ERROR' && r.message.includes('broken exporter'))).toBe(true)
    logs.stop()
  })
})

describe('poolGaugesOf', () => {
  it('is null before first use (no pool to read, none created)', () => {
    expect(poolGaugesOf({ alias: 'default', status: 'uninitialised' })).toBeNull()
  })

  it('reads the PostgreSQL report', () => {
    const report = {
      alias: 'default',
      vendor: 'postgresql' as const,
      has_pool: true,
      pool_min: 1,
      pool_max: 4,
      pool_size: 3,
      pool_available: 1,
      requests_waiting: 5,
    }
    expect(poolGaugesOf(report)).toEqual({
      alias: 'default',
      vendor: 'postgresql',
      size: 3,
      idle: 1,
      in_use: 2,
      max: 4,
      waiting: 5,
    })
  })

  it('counts the single SQLite connection as a pool of one', () => {
    const report = { alias: 'local', vendor: 'sqlite' as const, has_pool: false, in_use: 1, waiting: 2 }
    expect(poolGaugesOf(report)).toEqual({
      alias: 'local',
      vendor: 'sqlite',
      size: 1,
      idle: 0,
      in_use: 1,
      max: 1,
      waiting: 2,
    })
  })
})
