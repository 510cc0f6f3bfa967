/**
 * The data module (lib/data.ts) against a real store on each backend, seeded through the real
 * ingest and deployments route handlers with fixed timestamps: templates sorted by total time with
 * percentiles from merged histograms, no double counting across rollup resolutions, environment
 * filtering, sustained saturation episodes, pool series and sizing, the fleet grid (ok, error,
 * stale), slow log, N+1 findings, and the deploy page's table correlation before/after.
 */
import { histogramOf } from '@dorm/engine/contrib/querylog'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST as postDeployment } from '../app/api/v1/deployments/route'
import { POST as postIngest } from '../app/api/v1/ingest/route'
import {
  deployDetail,
  deployList,
  environmentOverview,
  fleetOverview,
  nPlusOneFindings,
  parseTimeRange,
  poolRows,
  poolSaturation,
  poolSeries,
  poolSizing,
  routePoolWait,
  slowLog,
  templateAcrossEnvironments,
  templateHistory,
  templateRoutes,
  topTemplates,
} from '../lib/data'
import { closeDatabase } from '../lib/db'
import { createEnvironment, createKey } from '../lib/keys'
import { Service } from '../lib/models'
import { percentileFromHistogram } from '../lib/rollups'
import { dashboardTestBackends, useFreshStore } from './support/stores'
import { at, fingerprint, ingestRequest, poolItem, rollupItem, telemetryBatch } from './support/telemetry'

const MINUTE = 60_000
const BOOKS = fingerprint(0xb00c)
const AUTHORS = fingerprint(0xa0)
const STAGING_ONLY = fingerprint(0x57)
const BOOK_SQL =
  'SELECT "library_book"."id", "library_book"."title" FROM "library_book" WHERE "library_book"."author_id" = $1'
const AUTHOR_SQL = 'SELECT * FROM "library_author" WHERE "id" = $1 /* <script>alert(1)</script> */'
const slowBooks = [120, 130, 140, 150, 900]
const fastBooks = Array.from({ length: 40 }, (_, i) => 2 + (i % 4))
const around = parseTimeRange({ from: at(-60 * MINUTE), to: at(60 * MINUTE) })

async function ingest(secret: string, items: unknown[], options: { host?: string; service?: string } = {}) {
  const response = await postIngest(ingestRequest(secret, telemetryBatch({ items: items as never, ...options })))
  const body = await response.json()
  expect(response.status, JSON.stringify(body)).toBe(202)
  expect(body.rejected, JSON.stringify(body.errors)).toBe(0)
}

describe.each(dashboardTestBackends())('data module on %s', (backend) => {
  let deployId: number

  beforeAll(async () => {
    await useFreshStore(backend, 'ui_data')
    await createEnvironment('production')
    await createEnvironment('staging')
    const production = (await createKey({ environment: 'production', kind: 'ingest' })).secret
    const staging = (await createKey({ environment: 'staging', kind: 'ingest' })).secret
    const ci = (await createKey({ environment: 'production', kind: 'ci' })).secret

    // production: minute 1 fast book queries, minute 3 slow ones; an author lookup repeated (N+1)
    await ingest(production, [
      rollupItem({
        fingerprint: BOOKS,
        template: BOOK_SQL,
        route: 'GET /books',
        durations: fastBooks,
        windowStart: at(MINUTE),
      }),
      rollupItem({
        fingerprint: BOOKS,
        template: BOOK_SQL,
        route: 'GET /books',
        durations: slowBooks,
        windowStart: at(3 * MINUTE),
        errors: 1,
      }),
      rollupItem({
        fingerprint: AUTHORS,
        template: AUTHOR_SQL,
        route: 'GET /books',
        durations: [1, 1, 1],
        windowStart: at(MINUTE),
      }),
      ...slowBooks.slice(-2).map((ms, i) => ({
        kind: 'slow_query',
        at: at(3 * MINUTE + i * 1000),
        alias: 'default',
        route: 'GET /books',
        fingerprint: BOOKS,
        template: BOOK_SQL,
        elapsed_ms: ms,
        threshold_ms: 100,
      })),
      ...[40, 7].map((count, i) => ({
        kind: 'request',
        at: at(3 * MINUTE + i * 1000),
        method: 'GET',
        route: '/books',
        status: 200,
        duration_ms: 400,
        query_count: count + 1,
        query_ms: 200,
        pool_wait_ms: 100 * (i + 1),
        nplusone: [{ fingerprint: AUTHORS, template: AUTHOR_SQL, count }],
        reason: 'nplusone',
      })),
      { kind: 'event', at: at(2 * MINUTE), type: 'pool_timeout', alias: 'default', data: {} },
      { kind: 'health', at: at(50_000), alias: 'default', status: 'ok', elapsed_ms: 1 },
      {
        kind: 'health',
        at: at(50_000),
        alias: 'replica',
        status: 'error',
        elapsed_ms: 5,
        error: 'OperationalError: connection refused',
      },
    ])
    // pool of web-1: 2 calm reports, then 4 saturated ones (available 0, 18 waiting); replica: only 2 saturated
    const saturated = [false, false, true, true, true, true]
    await ingest(
      production,
      saturated.flatMap((full, i) => [
        poolItem({
          at: at(i * 10_000),
          max: 2,
          inUse: full ? 2 : 1,
          waiting: full ? 18 : 0,
          checkouts: 10 * (i + 1),
          timeouts: full ? i : 0,
          waits: Array.from({ length: 10 * (i + 1) }, (_, k) => (k % 10 === 9 ? 400 : 1)),
        }),
        poolItem({
          alias: 'replica',
          at: at(i * 10_000),
          max: 2,
          inUse: i === 1 || i === 2 ? 2 : 0,
          waiting: i === 1 || i === 2 ? 3 : 0,
        }),
      ]),
    )
    // a second instance of the same service
    await ingest(production, [poolItem({ at: at(50_000), max: 2, inUse: 0 })], { host: 'web-2' })
    // staging: a template of its own, and the book query (same fingerprint: same template everywhere)
    await ingest(staging, [
      rollupItem({ fingerprint: STAGING_ONLY, template: 'SELECT 1 FROM "staging_only"', windowStart: at(MINUTE) }),
      rollupItem({ fingerprint: BOOKS, template: BOOK_SQL, durations: [9], windowStart: at(MINUTE) }),
      { kind: 'health', at: at(50_000), alias: 'default', status: 'ok', elapsed_ms: 1 },
    ])
    // the deploy at minute 2 alters library_book
    const report = {
      environment: 'production',
      status: 'applied',
      git_sha: 'abcdef0123456789',
      finished_at: at(2 * MINUTE),
      lint: {
        errors: 1,
        warnings: 0,
        findings: [
          {
            code: 'DORM-M003',
            severity: 'error',
            file: 'library/migrations/0002.ts',
            line: 9,
            message: 'AddIndex locks writes',
          },
        ],
      },
      dry_run: {
        pending: ['library.0002_book_isbn'],
        plan: [
          {
            app: 'library',
            name: '0002_book_isbn',
            sql: [
              'ALTER TABLE "library_book" ADD COLUMN "isbn" varchar(13) NULL',
              'CREATE INDEX "library_book_isbn_idx" ON "library_book" ("isbn")',
            ],
          },
        ],
      },
      applied: ['library.0002_book_isbn'],
      drift: { drift: false, findings: [] },
    }
    const response = await postDeployment(ingestRequest(ci, report, { path: '/api/v1/deployments' }))
    expect(response.status).toBe(202)
    deployId = (await deployList('production'))[0]?.id ?? 0
  })
  afterAll(closeDatabase)

  it('lists templates by total time with percentiles from the merged histogram, per environment', async () => {
    const templates = await topTemplates('production', around)
    expect(templates.map((t) => t.fingerprint)).toEqual([BOOKS, AUTHORS])
    const books = templates[0]
    const all = [...fastBooks, ...slowBooks]
    expect(books?.count).toBe(all.length)
    expect(books?.totalMs).toBeCloseTo(all.reduce((a, b) => a + b, 0))
    expect(books?.maxMs).toBe(900)
    expect(books?.errors).toBe(1)
    expect(books?.routes).toEqual(['GET /books'])
    expect(books?.p95Ms).toBe(percentileFromHistogram(histogramOf(all), 0.95, 900))
    expect(books?.p50Ms).toBe(percentileFromHistogram(histogramOf(all), 0.5, 900))
    expect(templates[1]?.template).toBe(AUTHOR_SQL)

    const staging = await topTemplates('staging', around)
    expect(staging.map((t) => t.fingerprint).sort()).toEqual([BOOKS, STAGING_ONLY].sort())
    expect(templates.some((t) => t.fingerprint === STAGING_ONLY)).toBe(false)
  })

  it('counts the same totals at every resolution (no bucket read twice)', async () => {
    const minutes = (await topTemplates('production', around)).find((t) => t.fingerprint === BOOKS)
    for (const range of [
      parseTimeRange({ from: at(-12 * 60 * MINUTE), to: at(12 * 60 * MINUTE) }),
      parseTimeRange({ from: at(-20 * 24 * 60 * MINUTE), to: at(10 * 24 * 60 * MINUTE) }),
    ]) {
      const coarse = (await topTemplates('production', range)).find((t) => t.fingerprint === BOOKS)
      expect(coarse?.count).toBe(minutes?.count)
      expect(coarse?.totalMs).toBeCloseTo(minutes?.totalMs ?? 0)
      expect(coarse?.p95Ms).toBe(minutes?.p95Ms)
    }
  })

  it('gives a template its history, routes and the other environments', async () => {
    const history = await templateHistory('production', BOOKS, around)
    expect(history.map((p) => [new Date(p.t).toISOString(), p.count])).toEqual([
      [at(MINUTE), fastBooks.length],
      [at(3 * MINUTE), slowBooks.length],
    ])
    expect((await templateRoutes('production', BOOKS, around)).map((r) => r.route)).toEqual(['GET /books'])
    const across = await templateAcrossEnvironments(BOOKS, around)
    expect(across.map((e) => [e.environment, e.count])).toEqual([
      ['production', fastBooks.length + slowBooks.length],
      ['staging', 1],
    ])
  })

  it('flags sustained saturation only (3 reports or more), with the worst wait', async () => {
    const episodes = await poolSaturation('production', around)
    expect(episodes).toHaveLength(1)
    expect(episodes[0]).toMatchObject({ service: 'api', alias: 'default', samples: 4, maxWaiting: 18, ongoing: false })
    // ongoing only while its last report is recent
    const justAfter = parseTimeRange({ from: at(-60 * MINUTE), to: at(2 * MINUTE) })
    expect((await poolSaturation('production', justAfter))[0]?.ongoing).toBe(true)
    expect(episodes[0]?.start.toISOString()).toBe(at(20_000))
    expect(await poolSaturation('staging', around)).toEqual([])
  })

  it('charts the pool per service and alias, with wait percentiles from the merged deltas', async () => {
    const rows = await poolRows('production', around)
    const series = await poolSeries('production', around, rows)
    const main = series.find((s) => s.alias === 'default')
    expect(main?.checkouts).toBe(60)
    expect(main?.timeouts).toBe(5)
    // 60 checkouts, 6 of them waited 400 ms: p95 lands in the bucket of 400 ms
    expect(main?.waitP50).toBe(percentileFromHistogram(histogramOf([1]), 0.5))
    expect(main?.waitP95).toBe(percentileFromHistogram(histogramOf([400]), 0.95))
    const last = main?.points.at(-1)
    expect(last).toMatchObject({ inUse: 2, max: 4, waiting: 18, available: 2 })

    const sizing = poolSizing(rows)
    expect(sizing.find((r) => r.alias === 'default')).toMatchObject({
      instances: 2,
      maxPoolSize: 2,
      totalConnections: 4,
    })
    expect((await routePoolWait('production', around))[0]).toMatchObject({
      route: '/books',
      requests: 2,
      maxWaitMs: 200,
    })
  })

  it('builds the fleet grid: error from a failing alias, stale after 5 minutes of silence', async () => {
    const fleet = await fleetOverview(around, { now: new Date(at(MINUTE)) })
    expect(fleet.map((e) => e.name)).toEqual(['production', 'staging'])
    const [production, staging] = fleet
    expect(production?.services[0]).toMatchObject({
      service: 'api',
      health: 'error',
      pool: { inUse: 2, max: 6, waiting: 18 },
    })
    expect(production?.services[0]?.healthError).toContain('replica: OperationalError: connection refused')
    expect(production?.services[0]?.slowPerMinute).toBeCloseTo(2 / 120)
    expect(production?.lastDeploy).toMatchObject({
      id: deployId,
      status: 'applied',
      gitSha: 'abcdef0123456789',
      drift: false,
    })
    expect(staging?.services[0]?.health).toBe('ok')
    expect(staging?.lastDeploy).toBeNull()
    expect((await fleetOverview(around, { environment: 'staging' })).map((e) => e.name)).toEqual(['staging'])

    const stagingService = await Service.objects.get({ environment__name: 'staging', name: 'api' } as never)
    stagingService.last_seen_at = new Date(Date.now() - 6 * MINUTE)
    await stagingService.save()
    const later = await fleetOverview(around, { environment: 'staging' })
    expect(later[0]?.services[0]?.health).toBe('stale')
  })

  it('keeps the slow log and the N+1 findings per environment', async () => {
    const slow = await slowLog('production', around)
    expect(slow.entries.map((e) => e.elapsedMs)).toEqual([900, 150])
    expect(slow.templates).toEqual([
      expect.objectContaining({ fingerprint: BOOKS, count: 2, maxMs: 900, template: BOOK_SQL }),
    ])
    expect((await slowLog('staging', around)).entries).toEqual([])

    const findings = await nPlusOneFindings('production', around)
    expect(findings).toEqual([
      expect.objectContaining({
        route: '/books',
        fingerprint: AUTHORS,
        template: AUTHOR_SQL,
        requests: 2,
        maxRepeats: 40,
      }),
    ])
    const overview = await environmentOverview('production', around)
    expect(overview).toMatchObject({ slowCount: 2, nPlusOneRoutes: 1, events: { pool_timeout: 1 } })
  })

  it('correlates a deploy with the templates touching the tables it changed, before and after', async () => {
    const detail = await deployDetail('production', deployId, new Date(at(60 * MINUTE)))
    expect(detail?.tables).toEqual(['library_book'])
    expect(detail?.report.lint?.findings[0]?.code).toBe('DORM-M003')
    expect(detail?.impact).toHaveLength(1)
    expect(detail?.impact[0]).toMatchObject({
      fingerprint: BOOKS,
      tables: ['library_book'],
      before: { count: fastBooks.length },
      after: { count: slowBooks.length, maxMs: 900 },
    })
    expect(await deployDetail('staging', deployId)).toBeNull()
    expect(await deployDetail('production', 999_999)).toBeNull()
  })
})
