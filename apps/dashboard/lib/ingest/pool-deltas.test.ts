import type { PoolItem } from '@dorm/engine/contrib/telemetry'
import { describe, expect, it } from 'vitest'
import { instanceName, poolSampleFields } from './pool-deltas'

function report(overrides: Partial<PoolItem> = {}): PoolItem {
  return {
    kind: 'pool',
    at: '2025-03-03T10:00:10.000Z',
    alias: 'default',
    vendor: 'postgresql',
    process_started_at: '2025-03-03T09:00:00.000Z',
    max: 10,
    size: 4,
    in_use: 2,
    idle: 2,
    waiting: 0,
    checkouts_total: 100,
    timeouts_total: 2,
    wait_ms_total: 40,
    wait_histogram: Array.from({ length: 60 }, (_, i) => (i === 5 ? 7 : 0)),
    ...overrides,
  }
}

describe('poolSampleFields', () => {
  const previous = {
    processStartedAt: new Date('2025-03-03T09:00:00.000Z'),
    cumulative: {
      checkouts_total: 60,
      timeouts_total: 2,
      wait_ms_total: 10,
      wait_histogram: Array.from({ length: 60 }, (_, i) => (i === 5 ? 3 : 0)),
    },
  }

  it('counts everything since the start on an instance’s first report', () => {
    const fields = poolSampleFields(report(), null)
    expect([fields.checkouts, fields.timeouts, fields.wait_ms, fields.restarted]).toEqual([100, 2, 40, false])
  })

  it('subtracts the previous report', () => {
    const fields = poolSampleFields(report(), previous)
    expect([fields.checkouts, fields.timeouts, fields.wait_ms, fields.restarted]).toEqual([40, 0, 30, false])
    expect(fields.wait_histogram[5]).toBe(4)
    expect(fields.cumulative.checkouts_total).toBe(100)
  })

  it('treats a new process start or a lower counter as a restart', () => {
    const restartedProcess = poolSampleFields(report({ process_started_at: '2025-03-03T10:00:00.000Z' }), previous)
    expect([restartedProcess.checkouts, restartedProcess.restarted]).toEqual([100, true])
    const lowerHistogram = poolSampleFields(report({ wait_histogram: new Array(60).fill(0) }), previous)
    expect([lowerHistogram.checkouts, lowerHistogram.restarted]).toEqual([100, true])
  })

  it('names instances host:pid', () => {
    expect(instanceName({ host: 'web-1', pid: 7 })).toBe('web-1:7')
  })
})
