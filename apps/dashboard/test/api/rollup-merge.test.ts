/**
 * Rollups: each 1-minute window is added into its 1m, 1h and 1d rows (counts, totals, errors and
 * histogram slots summed, max of max); percentiles read from the merged histogram; concurrent
 * batches never lose a sum; a replayed batch id is acknowledged and not counted twice.
 */
import { histogramOf } from '@dorm/engine/contrib/querylog'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey } from '../../lib/keys'
import { IngestBatch, QueryRollup, QueryTemplate, Service } from '../../lib/models'
import { percentileFromHistogram } from '../../lib/rollups'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { at, fingerprint, ingestRequest, rollupItem, telemetryBatch } from '../support/telemetry'

const MINUTE = 60_000

async function rollup(fp: string, resolution: string, bucketStart: string) {
  return QueryRollup.objects.get({ fingerprint: fp, resolution, bucket_start: new Date(bucketStart) })
}

describe.each(dashboardTestBackends())('rollup merge on %s', (backend) => {
  let key: string

  beforeAll(async () => {
    await useFreshStore(backend, 'rollup_merge')
    await createEnvironment('production')
    key = (await createKey({ environment: 'production', kind: 'ingest' })).secret
  })
  afterAll(closeDatabase)

  it('merges minute windows into hour and day rows, and reads percentiles from the merged histogram', async () => {
    const fp = fingerprint(0x10)
    // minute 1: 90 fast statements; minute 2 (another batch): 10 slow ones, 2 of them failed
    const fast = Array.from({ length: 90 }, (_, i) => 0.8 + (i % 5) * 0.05)
    const slow = Array.from({ length: 10 }, (_, i) => 35 + i)
    const first = telemetryBatch({ items: [rollupItem({ fingerprint: fp, durations: fast, windowStart: at(MINUTE) })] })
    const second = telemetryBatch({
      items: [rollupItem({ fingerprint: fp, durations: slow, windowStart: at(2 * MINUTE), errors: 2 })],
    })
    expect((await POST(ingestRequest(key, first))).status).toBe(202)
    expect((await POST(ingestRequest(key, second))).status).toBe(202)

    const minute1 = await rollup(fp, '1m', at(MINUTE))
    const minute2 = await rollup(fp, '1m', at(2 * MINUTE))
    expect(Number(minute1.count)).toBe(90)
    expect(Number(minute2.count)).toBe(10)

    const hour = await rollup(fp, '1h', '2025-03-03T10:00:00.000Z')
    const day = await rollup(fp, '1d', '2025-03-03T00:00:00.000Z')
    const expected = histogramOf([...fast, ...slow])
    for (const row of [hour, day]) {
      expect(Number(row.count)).toBe(100)
      expect(Number(row.errors)).toBe(2)
      expect(row.total_ms).toBeCloseTo(
        [...fast, ...slow].reduce((a, b) => a + b, 0),
        6,
      )
      expect(row.max_ms).toBe(44)
      expect((row.histogram as number[]).map(Number)).toEqual(expected)
      // p50 from the fast bucket, p95 from the slow ones: an average of the two minutes' p95 would be ~22 ms
      expect(percentileFromHistogram(row.histogram as number[], 0.5, row.max_ms)).toBe(1)
      expect(percentileFromHistogram(row.histogram as number[], 0.95, row.max_ms)).toBe(39.8)
      expect(percentileFromHistogram(row.histogram as number[], 1, row.max_ms)).toBe(44)
    }
    expect((await QueryTemplate.objects.get({ fingerprint: fp })).template).toBe(
      'SELECT * FROM "articles" WHERE "id" = $1',
    )
  })

  it('keeps routes, aliases and services apart, and windows of another hour in their own hour row', async () => {
    const fp = fingerprint(0x20)
    const items = [
      rollupItem({ fingerprint: fp, route: 'GET /a', windowStart: at(0) }),
      rollupItem({ fingerprint: fp, route: 'GET /b', windowStart: at(0) }),
      rollupItem({ fingerprint: fp, route: null, alias: 'replica', windowStart: at(0) }),
      rollupItem({ fingerprint: fp, route: 'GET /a', windowStart: at(65 * MINUTE) }),
    ]
    expect((await POST(ingestRequest(key, telemetryBatch({ items })))).status).toBe(202)
    expect(
      (await POST(ingestRequest(key, telemetryBatch({ service: 'worker', items: [items[0] as never] })))).status,
    ).toBe(202)
    expect(await QueryRollup.objects.filter({ fingerprint: fp, resolution: '1h' }).count()).toBe(5)
    expect(await QueryRollup.objects.filter({ fingerprint: fp, resolution: '1d' }).count()).toBe(4)
    const unrouted = await QueryRollup.objects.get({ fingerprint: fp, resolution: '1d', alias: 'replica' })
    expect(unrouted.route).toBe('')
    const worker = await Service.objects.get({ name: 'worker' })
    expect(await QueryRollup.objects.filter({ fingerprint: fp, serviceId: worker.id }).count()).toBe(3)
  })

  it('loses no sum when batches of one service and of several arrive at once', async () => {
    const fp = fingerprint(0x30)
    const batches = Array.from({ length: 12 }, (_, i) =>
      telemetryBatch({
        service: i % 2 === 0 ? 'api' : 'api-2',
        pid: 100 + i,
        items: Array.from({ length: 5 }, (_, minute) =>
          rollupItem({ fingerprint: fp, durations: [1, 2, 3, 4], windowStart: at(minute * MINUTE) }),
        ),
      }),
    )
    const responses = await Promise.all(batches.map((batch) => POST(ingestRequest(key, batch))))
    expect(responses.map((r) => r.status)).toEqual(batches.map(() => 202))
    for (const service of ['api', 'api-2']) {
      const serviceId = (await Service.objects.get({ name: service })).id
      const day = await QueryRollup.objects.get({ fingerprint: fp, resolution: '1d', serviceId })
      expect(Number(day.count)).toBe(6 * 5 * 4)
      expect((day.histogram as number[]).reduce((a, b) => a + Number(b), 0)).toBe(6 * 5 * 4)
      const minute = await QueryRollup.objects.get({
        fingerprint: fp,
        resolution: '1m',
        serviceId,
        bucket_start: new Date(at(0)),
      })
      expect(Number(minute.count)).toBe(6 * 4)
    }
  })

  it('acknowledges a replayed batch without counting it twice', async () => {
    const fp = fingerprint(0x40)
    const rejected = { ...rollupItem({ fingerprint: fp }), count: 0 }
    const batch = telemetryBatch({ items: [rollupItem({ fingerprint: fp, durations: [5, 6] }), rejected as never] })
    const first = await POST(ingestRequest(key, batch))
    expect(first.status).toBe(202)
    const firstBody = await first.json()
    expect([firstBody.accepted, firstBody.rejected]).toEqual([1, 1])
    const replay = await POST(ingestRequest(key, batch, { gzip: true }))
    expect(replay.status).toBe(202)
    expect(await replay.json()).toEqual({
      accepted: firstBody.accepted,
      rejected: firstBody.rejected,
      errors: [],
      duplicate: true,
    })
    for (const resolution of ['1m', '1h', '1d']) {
      const row = await QueryRollup.objects.get({ fingerprint: fp, resolution, route: 'GET /articles/{id}' })
      expect(Number(row.count)).toBe(2)
    }
    expect(await IngestBatch.objects.filter({ batch_id: batch.batch_id }).count()).toBe(1)
    // the same batch sent twice at once: one stores, the other is the replay
    const twin = telemetryBatch({ items: [rollupItem({ fingerprint: fingerprint(0x41) })] })
    const bodies = await Promise.all(
      [POST(ingestRequest(key, twin)), POST(ingestRequest(key, twin))].map(async (r) => (await r).json()),
    )
    expect(bodies.filter((body) => body.duplicate === true)).toHaveLength(1)
    const row = await QueryRollup.objects.get({ fingerprint: fingerprint(0x41), resolution: '1d' })
    expect(Number(row.count)).toBe(3)
  })
})
