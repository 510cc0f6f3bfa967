import { describe, expect, it } from 'vitest'
import { bucketIndex, HISTOGRAM_BOUNDS_MS, histogramOf, histogramRank } from './histogram.js'

describe('histogram', () => {
  it('has ten ascending log-scale bounds per decade from 0.1 ms to about a minute', () => {
    expect(HISTOGRAM_BOUNDS_MS[0]).toBe(0.1)
    expect(HISTOGRAM_BOUNDS_MS.slice(10, 14)).toEqual([1, 1.26, 1.58, 2])
    expect(HISTOGRAM_BOUNDS_MS.at(-1)).toBe(63100)
    for (let i = 1; i < HISTOGRAM_BOUNDS_MS.length; i++) {
      expect(HISTOGRAM_BOUNDS_MS[i] as number).toBeGreaterThan(HISTOGRAM_BOUNDS_MS[i - 1] as number)
    }
  })

  it('puts a duration in the first bucket whose bound is at least it', () => {
    expect(bucketIndex(0)).toBe(0)
    expect(bucketIndex(0.1)).toBe(0)
    expect(bucketIndex(0.11)).toBe(1)
    expect(bucketIndex(1)).toBe(10)
    expect(bucketIndex(1_000_000)).toBe(HISTOGRAM_BOUNDS_MS.length)
  })

  it('reads a rank back as its bucket bound, clamped to the range seen', () => {
    const counts = histogramOf([1, 2, 3, 4, 10, 50])
    const range = { min: 1, max: 50 }
    expect(histogramRank(counts, 0, range)).toBe(1)
    expect(histogramRank(counts, 2, range)).toBe(3.16)
    expect(histogramRank(counts, 5, range)).toBe(50)
    const overflow = histogramOf([100_000])
    expect(histogramRank(overflow, 0, { min: 100_000, max: 100_000 })).toBe(100_000)
  })
})
