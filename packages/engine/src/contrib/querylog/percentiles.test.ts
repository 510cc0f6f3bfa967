import { describe, expect, it } from 'vitest'
import { nearestRankP95, p95Index, roundHalfEven, roundMs, upperMedian } from './percentiles.js'

describe('percentiles', () => {
  it('rounds halves to even, as Python does', () => {
    expect([0.5, 1.5, 2.5, 28.5, 29.5, -0.5].map(roundHalfEven)).toEqual([0, 2, 2, 28, 30, 0])
    expect(roundHalfEven(2.4999)).toBe(2)
    expect(roundHalfEven(2.5001)).toBe(3)
  })

  it('picks a different p95 rank than Math.round at n = 31, 71 and 111', () => {
    for (const n of [31, 71, 111]) {
      const naive = Math.max(0, Math.min(n - 1, Math.round(0.95 * (n - 1))))
      expect(p95Index(n)).toBe(naive - 1)
    }
    expect(p95Index(31)).toBe(28)
    const sorted = Array.from({ length: 31 }, (_, i) => i + 1)
    expect(nearestRankP95(sorted)).toBe(29)
  })

  it('agrees with Math.round away from the halves', () => {
    expect(p95Index(1)).toBe(0)
    expect(p95Index(6)).toBe(5)
    expect(p95Index(20)).toBe(18)
    expect(p95Index(100)).toBe(94)
  })

  it('takes the upper median', () => {
    expect(upperMedian([1, 2, 3, 4])).toBe(3)
    expect(upperMedian([1, 2, 3, 4, 10, 50])).toBe(4)
    expect(upperMedian([7])).toBe(7)
    expect(upperMedian([])).toBe(0)
    expect(nearestRankP95([])).toBe(0)
  })

  it('rounds milliseconds to 3 decimals with exact halves to even', () => {
    expect(roundMs(1.23456)).toBe(1.235)
    expect(roundMs(1.0625)).toBe(1.062)
    expect(roundMs(1.1875)).toBe(1.188)
    expect(roundMs(70)).toBe(70)
    expect(roundMs(0.0004)).toBe(0)
  })
})
