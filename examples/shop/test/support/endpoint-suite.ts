/**
 * The endpoint checks, run once per backend: a real server on a migrated, seeded database, hit
 * over HTTP, with the database itself read back (on the primary) to check what the server did.
 *
 * @example
 * ```ts
 * shopEndpointSuite('sqlite', () => sqliteEnv(inject('sqliteDir')))
 * ```
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closeAll, configure } from '@dorm/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Order, Product } from '../../models.js'
import { PRIMARY, shopSettings } from '../../settings.js'
import { eventually, getJson, postJson } from './http.js'
import { migrateAndSeed, type RunningShop, type ShopTestEnv, startShop } from './shop-process.js'

interface OrderBody {
  id: number
  replayed: boolean
  total_cents: number
  lines: { product_id: number; quantity: number; unit_price_cents: number }[]
}

/**
 * Declares the endpoint tests for one backend.
 *
 * @example
 * ```ts
 * shopEndpointSuite('postgresql', () => postgresEnv(inject('pgUrl'), inject('sqliteDir')))
 * ```
 */
export function shopEndpointSuite(
  vendor: 'sqlite' | 'postgresql',
  makeEnv: () => Promise<ShopTestEnv>,
  enabled = true,
): void {
  describe.runIf(enabled)(`the shop on ${vendor}`, () => {
    let env: ShopTestEnv
    let shop: RunningShop
    const url = (path: string) => `${shop.url}${path}`
    const stockOf = async (id: number) => (await Product.objects.using(PRIMARY).get({ pk: id })).stock

    beforeAll(async () => {
      env = await makeEnv()
      await migrateAndSeed(env)
      shop = await startShop(env)
      // the test process reads the same database (the primary) to check the server's writes
      configure(shopSettings(env))
    })

    afterAll(async () => {
      await shop?.stop('SIGKILL')
      await closeAll()
    })

    it('prints exactly one JSON line to stdout when listening', () => {
      const lines = shop.stdout().trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0] as string)).toEqual({ event: 'listening', url: shop.url })
      expect(shop.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    })

    it('answers /healthz 200 with the deep health report and pool stats', async () => {
      const { status, body } = await getJson(url('/healthz'))
      expect(status).toBe(200)
      expect(body).toMatchObject({ status: 'ok', alias: 'default', pool: { alias: 'default', vendor } })
      expect(body.pool_compact).toMatchObject({ max_size: vendor === 'postgresql' ? 4 : 1 })
      expect(body.replica).toMatchObject({ status: 'ok', alias: 'replica' })
      if (vendor === 'postgresql') expect(body.pool).toMatchObject({ has_pool: true, pool_max: 4 })
      else expect(body.replication).toMatchObject({ failures: 0 })
    })

    it('lists products by page and category, and names a bad parameter', async () => {
      const all = await getJson<{ total: number; products: { category: { slug: string } }[] }>(url('/products'))
      expect(all.status).toBe(200)
      expect(all.body.total).toBe(32)
      expect(all.body.products).toHaveLength(20)
      const page2 = await getJson<{ products: unknown[] }>(url('/products?page=2'))
      expect(page2.body.products).toHaveLength(12)
      const garden = await getJson<{ total: number; products: { category: { slug: string } }[] }>(
        url('/products?category=garden'),
      )
      expect(garden.body.total).toBe(8)
      expect(new Set(garden.body.products.map((p) => p.category.slug))).toEqual(new Set(['garden']))
      const badPage = await getJson(url('/products?page=zero'))
      expect(badPage.status).toBe(400)
      expect(badPage.body).toMatchObject({ field: 'page' })
      expect(String(badPage.body.error)).toContain('page must be an integer')
      expect((await getJson(url('/products?category=no-such-shelf'))).status).toBe(404)
    })

    it('shows one product with its category, tags and review summary', async () => {
      const { status, body } = await getJson(url('/products/3'))
      expect(status).toBe(200)
      expect(body).toMatchObject({ id: 3, category: { slug: 'garden' }, reviews: { count: 1 } })
      expect((body.tags as string[]).length).toBeGreaterThan(0)
      expect((await getJson(url('/products/999999'))).status).toBe(404)
      const bad = await getJson(url('/products/abc'))
      expect(bad.status).toBe(400)
      expect(bad.body).toMatchObject({ field: 'id' })
    })

    it('creates an order once and returns the same order on a replay of its Idempotency-Key', async () => {
      const before = await stockOf(4)
      const body = { customer_id: 2, lines: [{ product_id: 4, quantity: 3 }] }
      const first = await postJson<OrderBody>(url('/orders'), body, { 'Idempotency-Key': `replay-${vendor}` })
      expect(first.status).toBe(201)
      expect(first.body).toMatchObject({ replayed: false, lines: [{ product_id: 4, quantity: 3 }] })
      expect(first.body.total_cents).toBe(3 * (first.body.lines[0]?.unit_price_cents as number))
      const again = await postJson<OrderBody>(url('/orders'), body, { 'Idempotency-Key': `replay-${vendor}` })
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ id: first.body.id, replayed: true })
      expect(
        await Order.objects
          .using(PRIMARY)
          .filter({ idempotencyKey: `replay-${vendor}` })
          .count(),
      ).toBe(1)
      expect(await stockOf(4)).toBe(before - 3)
      // the same key with another body is a client bug, not a replay
      const other = await postJson(
        url('/orders'),
        { ...body, customer_id: 3 },
        { 'Idempotency-Key': `replay-${vendor}` },
      )
      expect(other.status).toBe(409)
      expect(other.body).toMatchObject({ field: 'Idempotency-Key' })
      // read back at once: found even before the replica has it
      const read = await getJson(url(`/orders/${first.body.id}`))
      expect(read.status).toBe(200)
      expect(read.body).toMatchObject({ id: first.body.id, customer_id: 2 })
      expect((await getJson(url('/orders/999999'))).status).toBe(404)
    })

    it('creates one order when the same key is replayed concurrently, and decrements the stock once', async () => {
      const before = await stockOf(7)
      const key = `race-${vendor}`
      const body = { customer_id: 5, lines: [{ product_id: 7, quantity: 2 }] }
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => postJson<OrderBody>(url('/orders'), body, { 'Idempotency-Key': key })),
      )
      const statuses = answers.map((a) => a.status).sort()
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201])
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
      expect(await Order.objects.using(PRIMARY).filter({ idempotencyKey: key }).count()).toBe(1)
      expect(await stockOf(7)).toBe(before - 2)
    })

    it('answers a bad order body with 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        ['{not json', 'body'],
        [{ lines: [{ product_id: 1, quantity: 1 }] }, 'customer_id'],
        [{ customer_id: 1 }, 'lines'],
        [{ customer_id: 1, lines: [{ product_id: 1, quantity: 0 }] }, 'lines[0].quantity'],
        [{ customer_id: 1, lines: [{ product_id: 'x', quantity: 1 }] }, 'lines[0].product_id'],
        [{ customer_id: 1, lines: [{ product_id: 999999, quantity: 1 }] }, 'lines[0].product_id'],
        [{ customer_id: 999999, lines: [{ product_id: 1, quantity: 1 }] }, 'customer_id'],
      ]
      for (const [body, field] of cases) {
        const answer = await postJson(url('/orders'), body)
        expect(answer.status, JSON.stringify(body)).toBe(400)
        expect(answer.body.field).toBe(field)
        expect(String(answer.body.error)).toContain(field === 'body' ? 'JSON' : field)
      }
      const badKey = await postJson(url('/orders'), { customer_id: 1, lines: [] }, { 'Idempotency-Key': 'has space' })
      expect(badKey.body).toMatchObject({ field: 'Idempotency-Key' })
    })

    it('flags the N+1 of the naive report', async () => {
      const { status, body } = await getJson<{ rows: unknown[]; queries: number; nplusone: { fix: string }[] }>(
        url('/reports/customers-naive'),
      )
      expect(status).toBe(200)
      expect(body.rows.length).toBeGreaterThan(5)
      expect(body.queries).toBe(body.rows.length + 1)
      expect(body.nplusone.map((f) => f.fix)).toEqual(["selectRelated('customer')"])
      await eventually(async () => shop.stderr().includes('N+1 in GET /reports/customers-naive'), 5000, 'N+1 log')
      expect(shop.stderr()).toContain('query count exceeded threshold [GET /reports/customers-naive]')
    })

    it('logs the slow report as a slow query', async () => {
      const { status, body } = await getJson<{ alias: string; by_category: unknown[] }>(url('/reports/sales'))
      expect(status).toBe(200)
      expect(body.alias).toBe('replica')
      expect(body.by_category).toHaveLength(4)
      await eventually(async () => /"logger":"dorm\.db\.backends\.\w+","message":"slow query/.test(shop.stderr()))
    })

    it('serves Prometheus metrics with dorm and shop series', async () => {
      const response = await fetch(url('/metrics'))
      const text = await response.text()
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('text/plain')
      for (const name of ['dorm_query_duration_seconds_bucket', 'dorm_pool_size', 'dorm_pool_checkouts_total']) {
        expect(text).toContain(name)
      }
      expect(text).toMatch(/^dorm_slow_queries_total\{[^}]*\} [1-9]/m)
      expect(text).toMatch(/^shop_orders_created_total [1-9]/m)
      expect(text).toMatch(/^shop_request_queries_count\{route="\/reports\/customers-naive"\} [1-9]/m)
    })

    it('stores an uploaded image through the FileField', async () => {
      const bytes = Buffer.from(`image bytes for ${vendor} ${Date.now()}`)
      const response = await fetch(url('/products/2/image?filename=../../etc/photo.png'), {
        method: 'POST',
        body: bytes,
      })
      const body = (await response.json()) as { id: number; image: { name: string; size: number } }
      expect(response.status).toBe(201)
      // read back through the router right after the save: the sticky window sends it to the primary
      expect(body).toMatchObject({ id: 2, category: { slug: 'garden' } })
      expect(body.image.name).toMatch(/^products\/\d{4}\/\d{2}\/[^/]*photo\.png$/)
      expect(body.image.size).toBe(bytes.length)
      const onDisk = join(env.SHOP_DATA_DIR as string, 'media', body.image.name)
      expect(existsSync(onDisk)).toBe(true)
      expect(readFileSync(onDisk)).toEqual(bytes)
      expect((await Product.objects.using(PRIMARY).get({ pk: 2 })).image.name).toBe(body.image.name)
      const empty = await fetch(url('/products/2/image'), { method: 'POST', body: '' })
      expect(empty.status).toBe(400)
    })

    it('shows the query plan on the dev-only explain endpoint', async () => {
      const { status, body } = await getJson<{ sql: string; plan: string }>(url('/debug/explain?category=garden'))
      expect(status).toBe(200)
      expect(body.sql).toContain('"shop_product"')
      // PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN
      expect(body.plan).toMatch(vendor === 'postgresql' ? /Execution Time/ : /SEARCH|SCAN/)
    })

    it.runIf(vendor === 'postgresql')('answers /metrics and unknown paths while every connection is held', async () => {
      const finished: string[] = []
      const holds = Array.from({ length: 4 }, () =>
        fetch(url('/reports/hold?ms=3000')).then((r) => finished.push(`hold ${r.status}`)),
      )
      // the scrape itself takes no connection
      const inUse = async () => {
        const text = await (await fetch(url('/metrics'))).text()
        return /^dorm_pool_in_use\{alias="default"[^}]*\} (\d+)/m.exec(text)?.[1]
      }
      await eventually(async () => (await inUse()) === '4', 10_000, 'the pool to be saturated')
      const metrics = fetch(url('/metrics')).then((r) => finished.push(`metrics ${r.status}`))
      const unknown = fetch(url('/nope')).then((r) => finished.push(`unknown ${r.status}`))
      await Promise.all([metrics, unknown])
      // both answered while the holds still had their connections
      expect(finished.slice(0, 2).sort()).toEqual(['metrics 200', 'unknown 404'])
      await Promise.all(holds)
      expect(finished.filter((f) => f.startsWith('hold'))).toEqual(['hold 200', 'hold 200', 'hold 200', 'hold 200'])
    })

    it('answers unknown paths with 404 JSON', async () => {
      const { status, body } = await getJson(url('/no/such/path'))
      expect(status).toBe(404)
      expect(String(body.error)).toContain('/no/such/path')
    })

    it('exits 0 on SIGTERM', async () => {
      expect(await shop.stop('SIGTERM')).toBe(0)
      expect(shop.stderr()).toContain('"message":"stopped"')
    })
  })
}
