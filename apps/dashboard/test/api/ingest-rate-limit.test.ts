/**
 * Per-key rate limit: past the burst a key gets 429 with Retry-After and its batch is not stored;
 * another key is not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey } from '../../lib/keys'
import { IngestBatch } from '../../lib/models'
import { resetRateLimits } from '../../lib/rate-limit'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest, rollupItem, telemetryBatch } from '../support/telemetry'

describe.each(dashboardTestBackends())('ingest rate limit on %s', (backend) => {
  let busy: string
  let quiet: string

  beforeAll(async () => {
    // 1 batch per 10 s, burst 3: no refill during the test
    process.env.DASHBOARD_RATE_LIMIT_PER_S = '0.1'
    process.env.DASHBOARD_RATE_LIMIT_BURST = '3'
    await useFreshStore(backend, 'ingest_rate_limit')
    // key ids start over in each store: start from full buckets
    resetRateLimits()
    await createEnvironment('production')
    busy = (await createKey({ environment: 'production', kind: 'ingest' })).secret
    quiet = (await createKey({ environment: 'production', kind: 'ingest' })).secret
  })
  afterAll(async () => {
    delete process.env.DASHBOARD_RATE_LIMIT_PER_S
    delete process.env.DASHBOARD_RATE_LIMIT_BURST
    await closeDatabase()
  })

  it('answers 429 with Retry-After past the burst, and stores nothing', async () => {
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await POST(ingestRequest(busy, telemetryBatch()))).status)
    expect(statuses).toEqual([202, 202, 202])
    const limited = telemetryBatch({ items: [rollupItem()] })
    const response = await POST(ingestRequest(busy, limited))
    expect(response.status).toBe(429)
    const retryAfter = Number(response.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(10)
    expect((await response.json()).retry_after_s).toBe(retryAfter)
    expect(await IngestBatch.objects.filter({ batch_id: limited.batch_id }).exists()).toBe(false)
  })

  it('limits each key on its own', async () => {
    expect((await POST(ingestRequest(quiet, telemetryBatch()))).status).toBe(202)
  })
})
