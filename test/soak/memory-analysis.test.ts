/**
 * The soak's judges fail when they should: a steadily growing process is caught by the 10% rule
 * and by its slope, a flat noisy one passes; the burst's 503s are excused only in burst rounds.
 * (Runs with the soak, `npm run test:soak`; milliseconds.)
 */
import { expect, test } from 'vitest'
import { judgeMemory, type MemoryPoint, slopeMbPerHour } from './support/memory-analysis.js'
import { soakPlan } from './support/soak-plan.js'
import { TrafficTotals } from './support/traffic-rounds.js'

const plan = soakPlan({ SOAK_MINUTES: '30', SOAK_WARMUP_MINUTES: '5' })
const everyTenSeconds = (mb: (atMs: number) => number): MemoryPoint[] =>
  Array.from({ length: 181 }, (_, i) => ({ atMs: i * 10_000, mb: mb(i * 10_000) }))

test("a leak of 60 MB an hour on 150 MB is caught (20 MB between the windows' middles); flat noise is not", () => {
  const leaking = judgeMemory(
    everyTenSeconds((atMs) => 150 + (60 * atMs) / 3_600_000),
    plan,
  )
  expect(leaking.slopeMbPerHour).toBeCloseTo(60, 0)
  expect(leaking.growth).toBeGreaterThan(1.1)
  expect(leaking.windows.map((window) => window.fromS)).toEqual([300, 600, 900, 1200, 1500])

  const flat = judgeMemory(
    everyTenSeconds((atMs) => 150 + 8 * Math.sin(atMs / 7000)),
    plan,
  )
  expect(Math.abs(flat.slopeMbPerHour)).toBeLessThan(5)
  expect(flat.growth).toBeLessThan(1.1)
  expect(
    slopeMbPerHour([
      { atMs: 0, mb: 100 },
      { atMs: 3_600_000, mb: 110 },
    ]),
  ).toBe(10)
})

test('windows scale down for a short run and a too-short run is refused', () => {
  expect(soakPlan({ SOAK_MINUTES: '3', SOAK_WARMUP_MINUTES: '1' }).windowMs).toBe(40_000)
  expect(soakPlan({}).windowMs).toBe(300_000)
  // retained memory is read at least four times per window, never more often than memory is sampled
  expect(soakPlan({}).gcEveryMs).toBe(60_000)
  expect(soakPlan({ SOAK_MINUTES: '3', SOAK_WARMUP_MINUTES: '1' }).gcEveryMs).toBe(10_000)
  expect(() => soakPlan({ SOAK_MINUTES: '2', SOAK_WARMUP_MINUTES: '2' })).toThrow(/must exceed SOAK_WARMUP_MINUTES/)
  expect(() => soakPlan({ SOAK_MINUTES: 'half an hour' })).toThrow(/SOAK_MINUTES="half an hour" is not a positive/)
})

test('503s count as errors in steady rounds, not in burst rounds; 5xx other than 503 always count', () => {
  const totals = new TrafficTotals()
  const round = (kind: 'steady' | 'burst', byStatus: Record<string, number>, errors = 0) =>
    JSON.stringify({
      event: 'round',
      kind,
      startedAt: 0,
      endedAt: 1000,
      stats: {
        requests: Object.values(byStatus).reduce((a, b) => a + b, 0),
        byEndpoint: {},
        byStatus,
        errors,
        errorSamples: [],
        durationMs: 1000,
      },
      heapUsedMb: 10,
      rssMb: 50,
    })
  totals.addLine(round('burst', { '200': 96, '503': 4 }))
  expect(totals.errors()).toBe(0)
  expect(totals.excusedBurst503()).toBe(4)
  totals.addLine(round('burst', { '200': 99, '500': 1 }))
  totals.addLine(round('steady', { '200': 99, '503': 1 }, 2))
  expect(totals.errors()).toBe(4)
  expect(totals.errorRate()).toBeCloseTo(4 / 302)
  totals.addLine('not json')
  totals.addLine('{"event":"done"}')
  expect(totals.done).toBe(true)
  expect(totals.otherLines).toEqual(['not json'])
})
