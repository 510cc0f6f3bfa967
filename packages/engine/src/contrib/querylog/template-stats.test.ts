import { describe, expect, it } from 'vitest'
import { HISTOGRAM_BOUNDS_MS } from './histogram.js'
import { QueryRecord } from './query-record.js'
import { mergeSummaries, mergeTemplateStats, summarizeRecords, templateStatsOf } from './template-stats.js'

const record = (sql: string, elapsed_ms: number) => new QueryRecord({ sql, vendor: 'sqlite', elapsed_ms })

describe('summarizeRecords', () => {
  it('reproduces the worked example of the original dorm', () => {
    const records = [
      ...[1, 2, 3, 4, 10].map((ms) => record('SELECT * FROM t WHERE id = %s', ms)),
      record('SELECT * FROM t WHERE id = $1', 50),
      record('UPDATE t SET a = ?', 7),
    ]
    const summary = summarizeRecords(records)
    expect(summary.map((s) => s.toDict())).toEqual([
      { template: 'SELECT * FROM t WHERE id = ?', count: 6, total_ms: 70, p50_ms: 4, p95_ms: 50 },
      { template: 'UPDATE t SET a = ?', count: 1, total_ms: 7, p50_ms: 7, p95_ms: 7 },
    ])
    // the stats themselves carry exactly the five documented fields
    expect(summary[1]).toEqual({ template: 'UPDATE t SET a = ?', count: 1, total_ms: 7, p50_ms: 7, p95_ms: 7 })
    expect(summary[0]?.exact).toBe(true)
    expect(summary[0]?.min_ms).toBe(1)
    expect(summary[0]?.max_ms).toBe(50)
  })

  it('uses banker rounding for p95 at n = 31', () => {
    const durations = Array.from({ length: 31 }, (_, i) => i + 1)
    const stats = templateStatsOf('SELECT ?', durations)
    // sorted[round_half_even(28.5)] = sorted[28] = 29; Math.round would give sorted[29] = 30
    expect(stats.p95_ms).toBe(29)
    expect(stats.p50_ms).toBe(16)
  })

  it('rounds the dict to 3 decimals and keeps ties in first-seen order', () => {
    const summary = summarizeRecords([record('SELECT a', 1.23456), record('SELECT b', 1.23456)])
    expect(summary.map((s) => s.template)).toEqual(['SELECT a', 'SELECT b'])
    expect(summary[0]?.toDict().total_ms).toBe(1.235)
  })

  it('gives a rollup with fingerprint, min, max and the bucket counts', () => {
    const [stats] = summarizeRecords([record('SELECT ?', 1), record('SELECT ?', 3)])
    const rollup = stats?.toRollup()
    expect(rollup?.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(rollup?.histogram.reduce((a, b) => a + b)).toBe(2)
    expect(rollup?.histogram).toHaveLength(HISTOGRAM_BOUNDS_MS.length + 1)
    expect(rollup?.bucket_bounds_ms[10]).toBe(1)
  })
})

describe('mergeTemplateStats', () => {
  it('sums counts, totals and buckets and reads percentiles back from the buckets', () => {
    const a = templateStatsOf('SELECT ?', [1, 2, 3])
    const b = templateStatsOf('SELECT ?', [4, 10, 50])
    const merged = mergeTemplateStats(a, b)
    expect(merged.count).toBe(6)
    expect(merged.total_ms).toBe(70)
    expect(merged.exact).toBe(false)
    expect(merged.min_ms).toBe(1)
    expect(merged.max_ms).toBe(50)
    // exact p50 is 4: the bucket (3.98, 5.01] gives its bound; p95 (the max) is clamped to 50
    expect(merged.p50_ms).toBe(5.01)
    expect(merged.p95_ms).toBe(50)
  })

  it('stays within one bucket above the exact percentile', () => {
    const durations = Array.from({ length: 200 }, (_, i) => 0.5 + ((i * 37) % 113) * 1.7)
    const exact = templateStatsOf('SELECT ?', durations)
    const merged = mergeTemplateStats(
      templateStatsOf('SELECT ?', durations.slice(0, 77)),
      templateStatsOf('SELECT ?', durations.slice(77)),
    )
    for (const key of ['p50_ms', 'p95_ms'] as const) {
      expect(merged[key]).toBeGreaterThanOrEqual(exact[key])
      expect(merged[key]).toBeLessThanOrEqual(exact[key] * 1.26)
    }
  })

  it('refuses stats of two templates', () => {
    expect(() => mergeTemplateStats(templateStatsOf('SELECT a', [1]), templateStatsOf('SELECT b', [1]))).toThrow(
      /one template, got two: 'SELECT a' and 'SELECT b'/,
    )
  })

  it('merges whole summaries template by template', () => {
    const merged = mergeSummaries(
      summarizeRecords([record('SELECT a', 1), record('SELECT b', 5)]),
      summarizeRecords([record('SELECT a', 10)]),
    )
    expect(merged.map((s) => [s.template, s.count, s.total_ms])).toEqual([
      ['SELECT a', 2, 11],
      ['SELECT b', 1, 5],
    ])
  })
})
