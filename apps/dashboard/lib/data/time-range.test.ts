import { describe, expect, it } from 'vitest'
import { parseTimeRange, rangeMinutes, rangeQuery } from './time-range'

const now = new Date('2026-01-10T12:00:00Z')

describe('parseTimeRange', () => {
  it('reads a preset ending now, and defaults to 24h', () => {
    expect(parseTimeRange({ range: '7d' }, now)).toEqual({ key: '7d', from: new Date('2026-01-03T12:00:00Z'), to: now })
    expect(parseTimeRange({}, now).key).toBe('24h')
    expect(rangeMinutes(parseTimeRange({ range: '1h' }, now))).toBe(60)
  })

  it('prefers a valid from/to window and round-trips it through the URL', () => {
    const range = parseTimeRange({ range: '1h', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, now)
    expect(range).toEqual({
      key: 'custom',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T00:00:00Z'),
    })
    const again = parseTimeRange(Object.fromEntries(new URLSearchParams(rangeQuery(range))), now)
    expect(again).toEqual(range)
    expect(rangeQuery(parseTimeRange({ range: '6h' }, now))).toBe('range=6h')
  })

  it('falls back to 24h and says why on bad input', () => {
    expect(parseTimeRange({ range: '2y' }, now)).toMatchObject({
      key: '24h',
      error: expect.stringContaining("unknown range '2y'"),
    })
    expect(parseTimeRange({ from: 'yesterday' }, now).error).toMatch(/ISO timestamps/)
    expect(parseTimeRange({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now).error).toMatch(/before/)
    expect(parseTimeRange({ range: ['1h', '7d'] }, now).key).toBe('1h')
  })
})
