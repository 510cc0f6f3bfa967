/**
 * The telemetry exporter as the shop wires it: the ingest key read from DORM_TELEMETRY_TOKEN_FILE,
 * batches sent to DORM_TELEMETRY_ENDPOINT with the service and environment, request summaries
 * labelled by route template, and what is left flushed on SIGTERM.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { eventually, getJson } from './support/http.js'
import { type IngestStandIn, startIngestStandIn } from './support/ingest-stand-in.js'
import { migrateAndSeed, type RunningShop, sqliteEnv, startShop } from './support/shop-process.js'

describe('the shop with a telemetry endpoint', () => {
  let ingest: IngestStandIn | undefined
  let shop: RunningShop | undefined
  afterAll(async () => {
    await shop?.stop('SIGKILL')
    await ingest?.close()
  })

  it('sends health, pool and request items under the key of the token file, and flushes on SIGTERM', async () => {
    ingest = await startIngestStandIn()
    const env = await sqliteEnv(inject('sqliteDir'))
    await migrateAndSeed(env)
    const tokenFile = join(env.SHOP_DATA_DIR as string, 'ingest-key')
    await writeFile(tokenFile, '  dk_ingest_shop_test\n')
    shop = await startShop({
      ...env,
      DORM_TELEMETRY_ENDPOINT: ingest.url,
      DORM_TELEMETRY_TOKEN_FILE: tokenFile,
      DORM_SERVICE: 'shop-under-test',
      DORM_TELEMETRY_INTERVAL_S: '0.5',
    })
    // the naive report is always summarised (N+1 candidates), whatever the sample rate
    expect((await getJson(`${shop.url}/reports/customers-naive`)).status).toBe(200)
    expect((await getJson(`${shop.url}/products/12`)).status).toBe(200)
    // health probes run on the exporter's interval (not in the last flush): wait for one
    const sentHealth = () => ingest?.batches.some((b) => b.body.items.some((i) => i.kind === 'health')) === true
    await eventually(async () => sentHealth(), 10_000, 'a health item')
    const before = ingest.batches.length
    expect((await getJson(`${shop.url}/orders/1`)).status).toBe(200)
    expect(await shop.stop('SIGTERM')).toBe(0)
    // the request made just before SIGTERM arrived through the flush of stop()
    const late = ingest.batches.slice(before).flatMap((b) => b.body.items)
    expect(late.some((i) => i.kind === 'query_rollup' && i.route === 'GET /orders/:id')).toBe(true)

    expect(ingest.batches.length).toBeGreaterThan(0)
    for (const batch of ingest.batches) {
      expect(batch.authorization).toBe('Bearer dk_ingest_shop_test')
      expect(batch.body).toMatchObject({ service: 'shop-under-test', environment: 'demo' })
    }
    const items = ingest.batches.flatMap((b) => b.body.items)
    const kinds = new Set(items.map((i) => i.kind))
    for (const kind of ['health', 'pool', 'query_rollup', 'request']) expect(kinds).toContain(kind)
    const routes = items.filter((i) => i.kind === 'request').map((i) => i.route)
    expect(routes).toContain('/reports/customers-naive')
  })

  it('refuses to start with an endpoint but no key, saying which variables to set', async () => {
    const env = await sqliteEnv(inject('sqliteDir'), { SHOP_MIGRATE_ON_START: '1' })
    await expect(startShop({ ...env, DORM_TELEMETRY_ENDPOINT: 'http://127.0.0.1:9' })).rejects.toThrow(
      /DORM_TELEMETRY_TOKEN or DORM_TELEMETRY_TOKEN_FILE/,
    )
  })
})
