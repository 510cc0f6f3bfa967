import { describe, expect, it } from 'vitest'
import { bucketIndex } from '../querylog/histogram.js'
import { MAX_ROLLUP_KEYS, OTHER_TEMPLATE, QueryRollupCollector } from './query-rollup-collector.js'
import { telemetryItemSchema } from './telemetry-schema.js'
import { telemetryTemplateOf } from './telemetry-template.js'

const minute = Date.parse('2026-11-26T10:00:00.000Z')

describe('query rollups', () => {
  it('count per minute window, alias, route and template, with a histogram', () => {
    const rollups = new QueryRollupCollector()
    const byId = telemetryTemplateOf('SELECT * FROM "a" WHERE "id" = $1')
    rollups.record('default', 'GET /a/:id', byId, 2, false, minute + 1000)
    rollups.record(
      'default',
      'GET /a/:id',
      telemetryTemplateOf('SELECT * FROM "a" WHERE "id" = $1'),
      8,
      true,
      minute + 2000,
    )
    rollups.record('default', null, byId, 1, false, minute + 3000)
    rollups.record('default', 'GET /a/:id', byId, 4, false, minute + 61_000)
    const items = rollups.drain()
    expect(items.map((i) => [i.window_start, i.route, i.count])).toEqual([
      ['2026-11-26T10:00:00.000Z', 'GET /a/:id', 2],
      ['2026-11-26T10:00:00.000Z', null, 1],
      ['2026-11-26T10:01:00.000Z', 'GET /a/:id', 1],
    ])
    const first = items[0]
    expect(first).toMatchObject({ total_ms: 10, max_ms: 8, errors: 1, window_s: 60, template: byId.template })
    expect(first?.histogram[bucketIndex(2)]).toBe(1)
    expect(first?.histogram[bucketIndex(8)]).toBe(1)
    for (const item of items) expect(telemetryItemSchema.safeParse(item).success).toBe(true)
    expect(rollups.drain()).toEqual([])
  })

  it('folds keys past the cap into one other-statements template per alias', () => {
    const rollups = new QueryRollupCollector()
    for (let i = 0; i < MAX_ROLLUP_KEYS + 10; i++) {
      rollups.record('default', '/r', telemetryTemplateOf(`SELECT ${i}`), 1, false, minute)
    }
    const items = rollups.drain()
    expect(items).toHaveLength(MAX_ROLLUP_KEYS + 1)
    const other = items.find((i) => i.fingerprint === OTHER_TEMPLATE.fingerprint)
    expect(other).toMatchObject({ count: 10, route: null })
  })

  it('cuts long templates but fingerprints the whole one', () => {
    const long = `SELECT ${'x, '.repeat(3000)}1`
    const { template, fingerprint } = telemetryTemplateOf(long)
    expect(template.endsWith('…')).toBe(true)
    expect(fingerprint).not.toBe(telemetryTemplateOf(`${long} `).fingerprint)
  })
})
