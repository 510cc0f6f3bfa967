import { describe, expect, it } from 'vitest'
import { NPLUSONE_THRESHOLD, summarizeRequest } from './request-summary.js'
import { newRequestTelemetry } from './telemetry-context.js'
import { telemetryItemSchema } from './telemetry-schema.js'

const info = { method: 'GET', path: '/books/7', route: '/books/:id', request: null }
const policy = { sampleRate: 0, slowRequestMs: 1000, random: () => 0.5 }

describe('request summaries', () => {
  it('drop ordinary requests that are not sampled, keep sampled ones', () => {
    const state = newRequestTelemetry(info, true)
    expect(summarizeRequest(state, policy, state.startedAt + 10)).toBeNull()
    const kept = summarizeRequest(state, { ...policy, sampleRate: 0.6 }, state.startedAt + 10)
    expect(kept).toMatchObject({ reason: 'sample', route: '/books/:id', method: 'GET' })
    expect(kept?.duration_ms).toBeCloseTo(10, 6)
    expect(telemetryItemSchema.safeParse(kept).success).toBe(true)
  })

  it('always keep slow, N+1 and over-budget requests', () => {
    const slow = newRequestTelemetry(info, true)
    // not exactly +1000: (startedAt + 1000) - startedAt can round to 999.9999999 with real clock values
    expect(summarizeRequest(slow, policy, slow.startedAt + 1001)?.reason).toBe('slow')
    expect(summarizeRequest(slow, policy, slow.startedAt + 999)).toBeNull()

    const loop = newRequestTelemetry(info, true)
    loop.templates.set('0123456789abcdef', { template: 'SELECT ? FROM a', count: NPLUSONE_THRESHOLD + 1 })
    loop.templates.set('fedcba9876543210', { template: 'SELECT ? FROM b', count: NPLUSONE_THRESHOLD })
    const item = summarizeRequest(loop, policy, loop.startedAt + 1)
    expect(item?.reason).toBe('nplusone')
    expect(item?.nplusone).toEqual([{ fingerprint: '0123456789abcdef', template: 'SELECT ? FROM a', count: 6 }])

    const budget = newRequestTelemetry(info, true)
    budget.overBudget = true
    expect(summarizeRequest(budget, policy, budget.startedAt + 1)).toMatchObject({
      reason: 'budget',
      over_budget: true,
    })
  })
})
