/**
 * Retention: raw rows and 1-minute rollups go after 14 days, 1-hour rollups after 90, 1-day
 * rollups after 13 months, batch ids after 14 days; deployments stay. The ingest path starts a
 * prune once the interval has passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey } from '../../lib/keys'
import {
  Deployment,
  Environment,
  EventRecord,
  HealthSample,
  IngestBatch,
  PoolSample,
  QueryRollup,
  RequestSample,
  SlowQuery,
} from '../../lib/models'
import { markPrunedAt, pruneExpired, pruneInBackgroundWhenDue, retentionCutoffs } from '../../lib/retention'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest, otherItems, poolItem, rollupItem, telemetryBatch } from '../support/telemetry'

const DAY = 86_400_000
const NOW = new Date('2026-06-15T12:00:00.000Z')
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString()

describe('retentionCutoffs', () => {
  it('measures 14 and 90 days, and 13 calendar months for day rollups', () => {
    const cut = retentionCutoffs(NOW)
    expect(cut.raw.toISOString()).toBe('2026-06-01T12:00:00.000Z')
    expect(cut.rollups1m.toISOString()).toBe('2026-06-01T12:00:00.000Z')
    expect(cut.rollups1h.toISOString()).toBe('2026-03-17T12:00:00.000Z')
    expect(cut.rollups1d.toISOString()).toBe('2025-05-15T12:00:00.000Z')
    expect(cut.batches.toISOString()).toBe('2026-06-01T12:00:00.000Z')
  })
})

describe.each(dashboardTestBackends())('retention on %s', (backend) => {
  let key: string

  beforeAll(async () => {
    await useFreshStore(backend, 'retention')
    await createEnvironment('production')
    key = (await createKey({ environment: 'production', kind: 'ingest' })).secret
  })
  afterAll(closeDatabase)

  async function seed(when: string) {
    const items = [rollupItem({ windowStart: when }), poolItem({ at: when, startedAt: when }), ...otherItems(when)]
    const response = await POST(ingestRequest(key, telemetryBatch({ host: `h-${when}`, items })))
    expect(response.status).toBe(202)
  }

  it('deletes each kind of row past its age and keeps the rest', async () => {
    await seed(ago(15 * DAY)) // raw and 1m gone; 1h and 1d kept
    await seed(ago(13 * DAY)) // everything kept
    await seed(ago(91 * DAY)) // 1h gone too; 1d kept
    await seed(ago(400 * DAY)) // 1d gone too (13 months = 396 days from NOW)
    const environment = await Environment.objects.get({ name: 'production' })
    await Deployment.objects.create({
      environment,
      status: 'applied',
      finished_at: new Date(ago(2000 * DAY)),
      received_at: new Date(ago(2000 * DAY)),
      applied: [],
      report: {},
    })
    // the batch ids were received now: age one of them
    await IngestBatch.objects.filter({ pk: (await IngestBatch.objects.orderBy('id').first())?.id }).update({
      received_at: new Date(ago(15 * DAY)),
    })

    const report = await pruneExpired(NOW)
    expect(report.deleted).toEqual({
      slow_queries: 3,
      request_samples: 3,
      events: 3,
      health_samples: 3,
      pool_samples: 3,
      rollups_1m: 3,
      rollups_1h: 2,
      rollups_1d: 1,
      ingest_batches: 1,
    })
    for (const model of [SlowQuery, RequestSample, EventRecord, HealthSample, PoolSample]) {
      expect(await (model.objects as { count(): Promise<number> }).count()).toBe(1)
    }
    expect(await QueryRollup.objects.filter({ resolution: '1m' }).count()).toBe(1)
    expect(await QueryRollup.objects.filter({ resolution: '1h' }).count()).toBe(2)
    expect(await QueryRollup.objects.filter({ resolution: '1d' }).count()).toBe(3)
    expect(await Deployment.objects.count()).toBe(1)
    expect(await IngestBatch.objects.count()).toBe(3)
    // nothing left to delete
    const again = await pruneExpired(NOW)
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true)
  })

  it('prunes from the ingest path once the interval has passed, at most once per interval', async () => {
    const old = new Date(Date.now() - 20 * DAY)
    const recent = new Date(Date.now() - DAY)
    await seed(old.toISOString())
    await seed(recent.toISOString())
    markPrunedAt(Date.now())
    expect(pruneInBackgroundWhenDue()).toBeNull()
    markPrunedAt(Date.now() - 11 * 60_000)
    const run = pruneInBackgroundWhenDue()
    expect(run).not.toBeNull()
    expect((await run)?.deleted.slow_queries).toBeGreaterThanOrEqual(1)
    expect(pruneInBackgroundWhenDue()).toBeNull()
    expect(await SlowQuery.objects.filter({ at: old }).exists()).toBe(false)
    expect(await SlowQuery.objects.filter({ at: recent }).exists()).toBe(true)
  })
})
