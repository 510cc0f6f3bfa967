import { emptyHistogram, histogramOf } from '@dorm/engine/contrib/querylog'
import { describe, expect, it } from 'vitest'
import { addHistogramsInto, bucketStart, percentileFromHistogram } from './rollups'

describe('bucketStart', () => {
  it('floors to the UTC minute, hour and day', () => {
    const moment = new Date('2025-03-01T10:42:17.250Z')
    expect(bucketStart(moment, '1m').toISOString()).toBe('2025-03-01T10:42:00.000Z')
    expect(bucketStart(moment, '1h').toISOString()).toBe('2025-03-01T10:00:00.000Z')
    expect(bucketStart(moment, '1d').toISOString()).toBe('2025-03-01T00:00:00.000Z')
  })
})

describe('percentileFromHistogram', () => {
  it('reads percentiles from the merged histogram, not from an average of parts', () => {
    const fast = histogramOf(Array.from({ length: 90 }, () => 1))
    const slow = histogramOf(Array.from({ length: 10 }, () => 40))
    const merged = addHistogramsInto(addHistogramsInto(emptyHistogram(), fast), slow)
    expect(percentileFromHistogram(merged, 0.5, 40)).toBe(1)
    expect(percentileFromHistogram(merged, 0.9, 40)).toBe(1)
    expect(percentileFromHistogram(merged, 0.91, 40)).toBe(40)
    // the average of the two parts' p95 (1 and 40) would say 20.5
    expect(percentileFromHistogram(merged, 0.95, 40)).toBe(40)
  })

  it('clamps to the max seen, reads the overflow slot as the max, and is null when empty', () => {
    expect(percentileFromHistogram(histogramOf([3.5]), 0.5, 3.5)).toBe(3.5)
    expect(percentileFromHistogram(histogramOf([120_000]), 0.5, 120_000)).toBe(120_000)
    expect(percentileFromHistogram(emptyHistogram(), 0.95)).toBeNull()
    expect(() => percentileFromHistogram(emptyHistogram(), 95)).toThrow(/q must be in \(0, 1\]/)
  })
})
