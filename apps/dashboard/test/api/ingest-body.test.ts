/**
 * What the ingest endpoint does with the body: gzip accepted, 413 over 1 MB (plain, declared, and
 * a gzip bomb that inflates past it), 400 for malformed JSON or an envelope the schema refuses
 * (naming the field), 202 with the index and field of each rejected item while the others are
 * stored.
 */
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { MAX_BODY_BYTES } from '../../lib/http'
import { createEnvironment, createKey } from '../../lib/keys'
import { EventRecord, HealthSample, IngestBatch, QueryRollup, RequestSample, SlowQuery } from '../../lib/models'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest, otherItems, rollupItem, telemetryBatch } from '../support/telemetry'

describe.each(dashboardTestBackends())('ingest body on %s', (backend) => {
  let key: string

  beforeAll(async () => {
    await useFreshStore(backend, 'ingest_body')
    await createEnvironment('production')
    key = (await createKey({ environment: 'production', kind: 'ingest' })).secret
  })
  afterAll(closeDatabase)

  it('stores a gzipped batch of every kind', async () => {
    const batch = telemetryBatch({ items: [rollupItem(), ...otherItems()] })
    const response = await POST(ingestRequest(key, batch, { gzip: true }))
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ accepted: 5, rejected: 0, errors: [] })
    expect(await QueryRollup.objects.filter({ resolution: '1m' }).count()).toBe(1)
    expect(await HealthSample.objects.count()).toBe(1)
    expect(await SlowQuery.objects.count()).toBe(1)
    expect(await RequestSample.objects.count()).toBe(1)
    expect(await EventRecord.objects.count()).toBe(1)
  })

  it('answers 413 for a body over 1 MB, without storing it', async () => {
    const batch = telemetryBatch({ items: [rollupItem()] })
    const padded = { ...batch, padding: 'x'.repeat(MAX_BODY_BYTES) }
    const response = await POST(ingestRequest(key, padded))
    expect(response.status).toBe(413)
    expect((await response.json()).error).toMatch(/over the 1048576 byte limit/)
    expect(await IngestBatch.objects.filter({ batch_id: batch.batch_id }).exists()).toBe(false)
  })

  it('answers 413 for a streamed body over 1 MB with no Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // an endless body: the handler must stop reading at the cap
        sent += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const request = new Request('http://dashboard.test/api/v1/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body,
      duplex: 'half',
    } as RequestInit)
    const response = await POST(request)
    expect(response.status).toBe(413)
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength)
  })

  it('answers 413 for a gzip bomb that inflates past 1 MB', async () => {
    const inflated = JSON.stringify({ ...telemetryBatch(), padding: ' '.repeat(20 * MAX_BODY_BYTES) })
    const bomb = gzipSync(inflated)
    expect(bomb.byteLength).toBeLessThan(100_000)
    const response = await POST(ingestRequest(key, bomb, { headers: { 'content-encoding': 'gzip' } }))
    expect(response.status).toBe(413)
    expect((await response.json()).error).toMatch(/gunzipped body is over/)
  })

  it('answers 400 for malformed JSON and for bad gzip data', async () => {
    const json = await POST(ingestRequest(key, '{"schema_version": 1, "items": ['))
    expect(json.status).toBe(400)
    expect((await json.json()).error).toMatch(/not valid JSON/)
    const gzip = await POST(ingestRequest(key, 'not gzip', { headers: { 'content-encoding': 'gzip' } }))
    expect(gzip.status).toBe(400)
    expect((await gzip.json()).error).toMatch(/not valid gzip/)
  })

  it('answers 400 naming the field of a bad envelope', async () => {
    const batch = telemetryBatch({ items: [rollupItem()] })
    const response = await POST(ingestRequest(key, { ...batch, instance: { host: 'web-1', pid: 'x' } }))
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toMatch(/^invalid batch: instance\.pid: /)
    expect(body.issues).toEqual([{ path: 'instance.pid', message: expect.any(String) }])

    const version = await POST(ingestRequest(key, { ...batch, schema_version: 2 }))
    expect(version.status).toBe(400)
    expect((await version.json()).error).toMatch(/schema_version 2 is not supported/)

    const notObject = await POST(ingestRequest(key, '[1, 2]'))
    expect(notObject.status).toBe(400)
    expect((await notObject.json()).issues[0].path).toBe('(body)')
  })

  it('answers 202 for a partly bad batch, naming each bad item and storing the good ones', async () => {
    const good = rollupItem({ route: 'GET /partial' })
    const badHistogram = { ...rollupItem(), histogram: [1, 2, 3] }
    const unknownKind = { kind: 'metrics', at: new Date().toISOString() }
    const nul = { ...otherItems()[0], error: 'bad \u0000 byte' }
    const batch = telemetryBatch({ items: [good, badHistogram as never, unknownKind as never, nul as never] })
    const response = await POST(ingestRequest(key, batch))
    expect(response.status).toBe(202)
    const body = await response.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected).toBe(3)
    expect(body.errors).toEqual([
      { index: 1, path: 'items[1].histogram', message: expect.stringMatching(/60/) },
      { index: 2, path: 'items[2].kind', message: expect.stringMatching(/query_rollup/) },
      { index: 3, path: 'items[3]', message: expect.stringMatching(/NUL/) },
    ])
    expect(await QueryRollup.objects.filter({ route: 'GET /partial', resolution: '1m' }).count()).toBe(1)
    const stored = await IngestBatch.objects.get({ batch_id: batch.batch_id })
    expect([stored.accepted, stored.rejected]).toEqual([1, 3])
  })

  it('answers 415 for an encoding other than gzip', async () => {
    const response = await POST(ingestRequest(key, telemetryBatch(), { headers: { 'content-encoding': 'br' } }))
    expect(response.status).toBe(415)
  })
})
