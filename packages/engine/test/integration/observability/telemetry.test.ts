import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  HISTOGRAM_SLOTS,
  type PoolItem,
  type QueryRollupItem,
  type RequestItem,
  type SlowQueryItem,
  startTelemetry,
  type TelemetryHandle,
  telemetryMiddlewares,
  telemetryTemplateOf,
} from '../../../src/contrib/telemetry/index.js'
import { budget } from '../../../src/db/budget.js'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { pgUrl, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { type DashboardStub, startDashboardStub } from './telemetry-dashboard-stub.js'

const describePg = testBackends().includes('postgres') ? describe : describe.skip

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

/** A node:http app whose handlers run inside the telemetry middleware. */
async function startApp(routes: Record<string, () => Promise<unknown>>): Promise<{ url: string; server: Server }> {
  const telemetry = telemetryMiddlewares({ routeTemplate: ({ path }) => path.replace(/\/\d+(?=\/|$)/g, '/:id') })
  const server = createServer(
    telemetry.wrapNodeHandler(async (req, res) => {
      const route = routes[`${req.method} ${(req.url ?? '/').replace(/\/\d+(?=\/|$)/g, '/:id')}`]
      if (route === undefined) {
        res.writeHead(404).end()
        return
      }
      try {
        await route()
        res.writeHead(200).end('ok')
      } catch {
        res.writeHead(500).end('failed')
      }
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describePg('the telemetry exporter against a real PostgreSQL', () => {
  let dashboard: DashboardStub
  let telemetry: TelemetryHandle | null = null
  let logs: ReturnType<typeof captureLogs>

  beforeAll(async () => {
    dashboard = await startDashboardStub()
  })
  afterAll(async () => {
    await dashboard.close()
  })
  beforeEach(() => {
    dashboard.received.length = 0
    logs = captureLogs({ 'dorm.contrib.telemetry': 'WARNING' })
  })
  afterEach(async () => {
    await telemetry?.stop()
    telemetry = null
    await closeAll()
    resetSettings()
    logs.stop()
    expect(dashboard.problems).toEqual([])
  })

  const start = (options: Partial<Parameters<typeof startTelemetry>[0]> = {}) => {
    telemetry = startTelemetry({
      endpoint: dashboard.url,
      token: 'dk_ingest_test',
      service: 'api',
      environment: 'staging',
      intervalS: 60,
      sampleRate: 0,
      validate: 'all',
      ...options,
    })
    return telemetry
  }

  it('sends gzipped batches with the bearer token and per-template rollups with counts, errors and histograms', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 3 } } })
    const exporter = start()
    const db = getConnection()
    for (let i = 0; i < 5; i++) await db.execute('SELECT $1::int AS n', [i])
    await db.execute('SELECT * FROM telemetry_no_such_table WHERE id = $1', [1]).catch(() => undefined)
    await exporter.flush()

    const [post] = dashboard.received
    expect(post?.headers.authorization).toBe('Bearer dk_ingest_test')
    expect(post?.headers['content-encoding']).toBe('gzip')
    expect(post?.headers['idempotency-key']).toBe(post?.batch.batch_id)
    expect(post?.batch).toMatchObject({ schema_version: 1, service: 'api', environment: 'staging', dropped: 0 })
    expect(post?.batch.instance.pid).toBe(process.pid)

    const rollups = dashboard.accepted().filter((i): i is QueryRollupItem => i.kind === 'query_rollup')
    const select = rollups.find((r) => r.fingerprint === telemetryTemplateOf('SELECT $1::int AS n').fingerprint)
    expect(select).toMatchObject({ alias: 'default', route: null, count: 5, errors: 0, template: 'SELECT ?::int AS n' })
    expect(select?.histogram).toHaveLength(HISTOGRAM_SLOTS)
    expect(sum(select?.histogram ?? [])).toBe(5)
    expect(select?.total_ms).toBeGreaterThan(0)
    expect(select?.max_ms).toBeLessThanOrEqual(select?.total_ms ?? 0)
    const failing = rollups.find((r) => r.template.includes('telemetry_no_such_table'))
    expect(failing).toMatchObject({ count: 1, errors: 1 })
    // the exporter's own health probe is not rolled up
    expect(rollups.some((r) => r.template === 'SELECT 1')).toBe(false)
    const health = dashboard.accepted().filter((i) => i.kind === 'health')
    expect(health).toEqual([expect.objectContaining({ alias: 'default', status: 'ok', error: null })])
  })

  it('reports each pool with its gauges and cumulative checkout counters and wait histogram', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 2 } } })
    const exporter = start()
    const db = getConnection()
    await Promise.all(Array.from({ length: 6 }, () => db.execute('SELECT pg_sleep(0.05)')))
    await exporter.flush()
    await db.execute('SELECT 2')
    await exporter.flush()

    const pools = dashboard.accepted().filter((i): i is PoolItem => i.kind === 'pool')
    expect(pools).toHaveLength(2)
    const [first, second] = pools as [PoolItem, PoolItem]
    expect(first).toMatchObject({ alias: 'default', vendor: 'postgresql', max: 2, waiting: 0 })
    expect(first.size).toBeLessThanOrEqual(2)
    // six checkouts of the app and the health probe's one; the next report counts on from there
    expect(first.checkouts_total).toBe(7)
    expect(second.checkouts_total).toBeGreaterThan(first.checkouts_total)
    expect(sum(second.wait_histogram)).toBe(second.checkouts_total)
    expect(first.wait_ms_total).toBeGreaterThan(0)
    expect(second.process_started_at).toBe(first.process_started_at)
  })

  it('sends slow queries as templates only, never their params, labelled with the request route', async () => {
    configure({
      DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 2 } },
      SLOW_QUERY_MS: 40,
    })
    const exporter = start()
    const app = await startApp({
      'GET /reports/:id': () => getConnection().execute('SELECT pg_sleep(0.06), $1::text AS secret', ['hunter2-param']),
    })
    try {
      expect((await fetch(`${app.url}/reports/17`)).status).toBe(200)
      await getConnection().execute("SELECT pg_sleep(0.06), 'outside' AS place")
    } finally {
      app.server.close()
    }
    await exporter.flush()

    const slow = dashboard.accepted().filter((i): i is SlowQueryItem => i.kind === 'slow_query')
    expect(slow.map((s) => [s.route, s.template])).toEqual([
      ['GET /reports/:id', 'SELECT pg_sleep(0.06), ?::text AS secret'],
      [null, "SELECT pg_sleep(0.06), 'outside' AS place"],
    ])
    expect(slow[0]?.elapsed_ms).toBeGreaterThanOrEqual(40)
    expect(slow[0]?.threshold_ms).toBe(40)
    for (const post of dashboard.received) expect(post.raw).not.toContain('hunter2-param')
    // the slow_query bus event is not sent twice (as an event too)
    expect(dashboard.accepted().some((i) => i.kind === 'event' && i.type === 'slow_query')).toBe(false)
    const rollup = dashboard
      .accepted()
      .find((i): i is QueryRollupItem => i.kind === 'query_rollup' && i.route === 'GET /reports/:id')
    expect(rollup?.count).toBe(1)
  })

  it('keeps N+1, over-budget and slow requests with their query counts and pool wait, and samples the rest', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 1, POOL_TIMEOUT: 10 } } })
    const exporter = start({ slowRequestMs: 150 })
    const db = getConnection()
    const app = await startApp({
      'GET /authors': async () => {
        await db.execute('SELECT 1 AS listing')
        for (let id = 0; id < 7; id++) await db.execute('SELECT $1::int AS author_id', [id])
      },
      'GET /export': () => budget({ maxRows: 2 }, () => db.execute('SELECT generate_series(1, 5)')),
      'GET /sleep/:id': () => db.execute('SELECT pg_sleep(0.2)'),
      'GET /quick': () => db.execute('SELECT 3'),
    })
    try {
      await fetch(`${app.url}/authors`)
      await fetch(`${app.url}/export`)
      await fetch(`${app.url}/quick`)
      // one pooled connection: the second request waits about 200 ms for the first one's
      await Promise.all([fetch(`${app.url}/sleep/1`), fetch(`${app.url}/sleep/2`)])
    } finally {
      app.server.close()
    }
    await exporter.flush()

    const requests = dashboard.accepted().filter((i): i is RequestItem => i.kind === 'request')
    const byRoute = (route: string) => requests.filter((r) => r.route === route)
    expect(byRoute('/quick')).toEqual([])
    expect(byRoute('/authors')).toEqual([
      expect.objectContaining({
        reason: 'nplusone',
        method: 'GET',
        status: 200,
        query_count: 8,
        nplusone: [
          {
            fingerprint: telemetryTemplateOf('SELECT $1::int AS author_id').fingerprint,
            template: 'SELECT ?::int AS author_id',
            count: 7,
          },
        ],
      }),
    ])
    expect(byRoute('/export')).toEqual([expect.objectContaining({ reason: 'budget', over_budget: true, status: 500 })])
    const sleeps = byRoute('/sleep/:id')
    expect(sleeps.map((r) => r.reason)).toEqual(['slow', 'slow'])
    for (const r of sleeps) expect(r.query_count).toBe(1)
    // the waiting request is charged the wait, the one holding the connection is not
    // (the one that waited took longer: its wait, then its own sleep)
    const [holder, waiter] = [...sleeps].sort((a, b) => a.duration_ms - b.duration_ms) as [RequestItem, RequestItem]
    expect(holder.pool_wait_ms).toBeLessThan(50)
    expect(waiter.pool_wait_ms).toBeGreaterThan(100)
    const events = dashboard.accepted().filter((i) => i.kind === 'event')
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'budget_exceeded',
        alias: 'default',
        data: expect.objectContaining({ limit: 'max_rows' }),
      }),
    )
  })

  it('sends pool timeouts as events and keeps the app running when the pool is saturated', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 1, POOL_TIMEOUT: 0.1 } } })
    const exporter = start()
    const db = getConnection()
    const outcomes = await Promise.allSettled([db.execute('SELECT pg_sleep(0.3)'), db.execute('SELECT 1')])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected'])
    await exporter.flush()
    const items = dashboard.accepted()
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'event',
        type: 'pool_timeout',
        alias: 'default',
        data: expect.objectContaining({ pool_max: 1 }),
      }),
    )
    const pool = items.find((i): i is PoolItem => i.kind === 'pool')
    expect(pool?.timeouts_total).toBe(1)
  })

  it('samples ordinary requests at sampleRate 1', async () => {
    configure({ DATABASES: { default: { URL: pgUrl() } } })
    const exporter = start({ sampleRate: 1 })
    const app = await startApp({ 'GET /quick': () => getConnection().execute('SELECT 4') })
    try {
      await fetch(`${app.url}/quick`)
    } finally {
      app.server.close()
    }
    await exporter.flush()
    const requests = dashboard.accepted().filter((i): i is RequestItem => i.kind === 'request')
    expect(requests).toEqual([
      expect.objectContaining({ route: '/quick', reason: 'sample', query_count: 1, status: 200 }),
    ])
  })

  it('labels rollups and requests with the Express route template', async () => {
    configure({ DATABASES: { default: { URL: pgUrl() } } })
    const exporter = start({ sampleRate: 1 })
    const app = express()
    app.use(telemetryMiddlewares().express)
    app.get('/books/:id', async (req, res) => {
      await getConnection().execute('SELECT $1::text AS book_id', [req.params.id])
      res.status(201).send('ok')
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      await fetch(`${url}/books/1`)
      await fetch(`${url}/books/2`)
    } finally {
      server.close()
    }
    await exporter.flush()
    const items = dashboard.accepted()
    const rollup = items.find((i): i is QueryRollupItem => i.kind === 'query_rollup' && i.template.includes('book_id'))
    expect(rollup).toMatchObject({ route: 'GET /books/:id', count: 2 })
    const requests = items.filter((i): i is RequestItem => i.kind === 'request')
    expect(requests.map((r) => [r.route, r.status, r.query_count])).toEqual([
      ['/books/:id', 201, 1],
      ['/books/:id', 201, 1],
    ])
  })
})
