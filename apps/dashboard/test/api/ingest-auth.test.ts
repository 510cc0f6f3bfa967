/**
 * Who may post: 401 for a missing, unknown or revoked key, 403 for a CI key on ingest, an ingest
 * key on deployments, or a batch naming another environment than the key's. Nothing is stored
 * for a refused request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST as postDeployment } from '../../app/api/v1/deployments/route'
import { POST as postIngest } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey, listKeys, revokeKey } from '../../lib/keys'
import { IngestBatch, QueryRollup } from '../../lib/models'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest, rollupItem, telemetryBatch } from '../support/telemetry'

describe.each(dashboardTestBackends())('ingest auth on %s', (backend) => {
  let ingestKey: string
  let ciKey: string

  beforeAll(async () => {
    await useFreshStore(backend, 'ingest_auth')
    await createEnvironment('production')
    await createEnvironment('staging')
    ingestKey = (await createKey({ environment: 'production', kind: 'ingest' })).secret
    ciKey = (await createKey({ environment: 'production', kind: 'ci' })).secret
  })
  afterAll(closeDatabase)

  it('accepts a batch with the environment’s ingest key', async () => {
    const response = await postIngest(ingestRequest(ingestKey, telemetryBatch({ items: [rollupItem()] })))
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ accepted: 1, rejected: 0, errors: [] })
    const keys = await listKeys('production')
    expect(keys.find((key) => key.kind === 'ingest')?.last_used_at).toBeInstanceOf(Date)
    expect(keys.find((key) => key.kind === 'ci')?.last_used_at).toBeNull()
  })

  it('answers 401 without an Authorization header', async () => {
    const response = await postIngest(ingestRequest(null, telemetryBatch({ items: [rollupItem()] })))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect((await response.json()).error).toMatch(/Authorization: Bearer/)
  })

  it('answers 401 for an unknown key and stores nothing', async () => {
    const before = await IngestBatch.objects.count()
    const unknown = `dk_ingest_${'A'.repeat(32)}`
    const response = await postIngest(ingestRequest(unknown, telemetryBatch({ items: [rollupItem()] })))
    expect(response.status).toBe(401)
    expect((await response.json()).error).toMatch(/unknown key/)
    expect(await IngestBatch.objects.count()).toBe(before)
  })

  it('answers 401 for a revoked key', async () => {
    const key = await createKey({ environment: 'production', kind: 'ingest', label: 'old servers' })
    expect((await postIngest(ingestRequest(key.secret, telemetryBatch()))).status).toBe(202)
    await revokeKey(key.id)
    const response = await postIngest(ingestRequest(key.secret, telemetryBatch({ items: [rollupItem()] })))
    expect(response.status).toBe(401)
    expect((await response.json()).error).toMatch(/revoked/)
  })

  it('answers 403 for a CI key on ingest, and for an ingest key on deployments', async () => {
    const ingest = await postIngest(ingestRequest(ciKey, telemetryBatch({ items: [rollupItem()] })))
    expect(ingest.status).toBe(403)
    expect((await ingest.json()).error).toBe('this is a ci key; ingest needs an ingest key')
    const deploy = await postDeployment(ingestRequest(ingestKey, {}, { path: '/api/v1/deployments' }))
    expect(deploy.status).toBe(403)
    expect((await deploy.json()).error).toBe('this is an ingest key; deploy reports need a ci key')
  })

  it('answers 403 for a batch naming another environment, storing nothing', async () => {
    const rollupsBefore = await QueryRollup.objects.count()
    const batch = telemetryBatch({ environment: 'staging', items: [rollupItem()] })
    const response = await postIngest(ingestRequest(ingestKey, batch))
    expect(response.status).toBe(403)
    expect((await response.json()).error).toMatch(/belongs to environment 'production' but the batch names 'staging'/)
    expect(await QueryRollup.objects.count()).toBe(rollupsBefore)
    expect(await IngestBatch.objects.filter({ batch_id: batch.batch_id }).exists()).toBe(false)
  })

  it('accepts a batch naming the key’s own environment', async () => {
    const response = await postIngest(ingestRequest(ingestKey, telemetryBatch({ environment: 'production' })))
    expect(response.status).toBe(202)
  })
})
