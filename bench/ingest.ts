/**
 * Dashboard ingest benchmark: how many telemetry items per second `POST /api/v1/ingest` stores,
 * and how long the fleet page's data takes to read.
 *
 *   npm run bench -- ingest      (starts a throwaway PostgreSQL 15 unless DORM_BENCH_PG_URL is set)
 *
 * 1. Ingest, on SQLite (a temp file) and on PostgreSQL: SENDERS concurrent senders (one service
 *    instance each) post BATCHES_PER_SENDER gzipped batches of 500 mixed items (300 query rollups
 *    of 100 templates x 3 routes, a new minute per batch so 1m rows are inserted and 1h/1d rows
 *    merged; 6 pool reports, 4 health checks, 80 slow queries, 80 request summaries with N+1
 *    findings, 30 events) by calling the route handler in-process. Reports items/s stored (accepted
 *    items over wall time) and the median batch time. The bodies are built before the clock starts.
 * 2. Fleet page: 20 environments x 3 services x 8 templates of 1h and 1d rollups over 30 days
 *    (written in bulk, as the merge would leave them), the last 24 h of health and pool samples
 *    (1 per minute per service) and 14 days of slow queries; then the median time of
 *    `fleetOverview` (lib/data.ts) over 24 h and 30 d.
 *
 * Goals (issue 8): >= 5,000 items/s on SQLite; fleet page < 300 ms.
 *
 *   npm run bench -- ingest store    only the ingest part
 *   npm run bench -- ingest fleet    only the fleet page part
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { benchUrl, median } from './support/harness.js'

const SENDERS = 4
const BATCHES_PER_SENDER = 30
const FLEET = { environments: 20, services: 3, templates: 8, days: 30 }
const FLEET_RUNS = 15
const DAY = 86_400_000

// the dashboard's modules are TypeScript with bundler-style imports: load them at run time (tsx)
const dashboard = resolve(import.meta.dirname, '../apps/dashboard')
const load = (path: string) => import(pathToFileURL(join(dashboard, path)).href)
const { ensureDatabase, closeDatabase } = await load('lib/db.ts')
const { createEnvironment, createKey } = await load('lib/keys.ts')
const { POST } = (await load('app/api/v1/ingest/route.ts')) as { POST: (request: Request) => Promise<Response> }
const telemetry = await load('test/support/telemetry.ts')
const { insertStatements } = await load('lib/ingest/sql-rows.ts')
const models = await load('lib/models.ts')
const { getConnection, atomic } = await import('@dorm/engine')
const { histogramOf } = await import('@dorm/engine/contrib/querylog')

process.env.DASHBOARD_RATE_LIMIT_PER_S = '0'
process.env.DASHBOARD_PRUNE_INTERVAL_S = '0'

type Store = { name: string; url: string }

async function freshPgDatabase(server: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await client.query(`CREATE DATABASE "${name}"`)
  await client.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

async function useStore(url: string): Promise<void> {
  await closeDatabase()
  process.env.DASHBOARD_DATABASE_URL = url
  await ensureDatabase()
}

function batchItems(batch: number): unknown[] {
  const minute = new Date(Date.UTC(2026, 0, 5, 8, 0) + batch * 60_000).toISOString()
  const items: unknown[] = []
  for (let t = 0; t < 100; t++) {
    for (const route of ['GET /articles/{id}', 'GET /articles', 'POST /comments']) {
      const durations = [0.4 + (t % 7) * 0.3, 1.2, 2.5 + (batch % 5), 8 + t / 10]
      items.push(
        telemetry.rollupItem({
          fingerprint: telemetry.fingerprint(t + 1),
          template: `SELECT * FROM "table_${t}" WHERE "id" = $1`,
          route,
          durations,
          windowStart: minute,
        }),
      )
    }
  }
  for (const alias of ['default', 'replica']) {
    for (let r = 0; r < 3; r++) {
      const n = batch * 3 + r
      items.push(telemetry.poolItem({ at: minute, alias, checkouts: 100 * n, waitMs: 3 * n, waits: [0.5, 1, 2] }))
    }
  }
  for (let h = 0; h < 4; h++) items.push({ kind: 'health', at: minute, alias: `db${h}`, status: 'ok', elapsed_ms: 1.5 })
  for (let i = 0; i < 80; i++) {
    const [, slow, request] = telemetry.otherItems(minute)
    items.push({ ...slow, fingerprint: telemetry.fingerprint(1000 + (i % 20)) }, request)
  }
  for (let i = 0; i < 30; i++) items.push(telemetry.otherItems(minute)[3])
  return items.slice(0, 500)
}

async function benchIngest(store: Store): Promise<{ itemsPerS: number; batchMs: number; items: number }> {
  await useStore(store.url)
  await createEnvironment('production')
  const { secret } = await createKey({ environment: 'production', kind: 'ingest' })
  const bodies = Array.from({ length: SENDERS }, (_, sender) =>
    Array.from({ length: BATCHES_PER_SENDER + 1 }, (_, batch) =>
      telemetry.ingestRequest(
        secret,
        telemetry.telemetryBatch({ service: `svc-${sender}`, pid: sender, items: batchItems(batch) }),
        { gzip: true },
      ),
    ),
  )
  // warm-up: the first batch of each sender (templates, services, prepared statements)
  for (const sender of bodies) await POST(sender.shift() as Request)
  const times: number[] = []
  let accepted = 0
  const start = performance.now()
  await Promise.all(
    bodies.map(async (requests) => {
      for (const request of requests) {
        const t0 = performance.now()
        const response = await POST(request)
        times.push(performance.now() - t0)
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`)
        accepted += ((await response.json()) as { accepted: number }).accepted
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  return { itemsPerS: accepted / seconds, batchMs: median(times), items: accepted }
}

async function bulkInsert(model: unknown, fields: string[], rows: unknown[][]): Promise<void> {
  const connection = getConnection()
  await atomic(async () => {
    for (const { sql, params } of insertStatements(connection.vendor, model, fields, rows))
      await connection.execute(sql, params)
  })
}

async function seedFleet(now: Date): Promise<number> {
  const { Environment, Service, QueryRollup, HealthSample, PoolSample, SlowQuery } = models
  const histogram = histogramOf([0.5, 1, 1, 2, 4, 9, 30])
  let rows = 0
  for (let e = 0; e < FLEET.environments; e++) {
    const environment = await Environment.objects.create({ name: `env-${String(e).padStart(2, '0')}`, created_at: now })
    for (let s = 0; s < FLEET.services; s++) {
      const service = await Service.objects.create({
        environment,
        name: `svc-${s}`,
        first_seen_at: now,
        last_seen_at: now,
      })
      const rollups: unknown[][] = []
      for (let t = 0; t < FLEET.templates; t++) {
        for (let h = 0; h < FLEET.days * 24; h++) {
          const bucket = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - h * 3_600_000)
          rollups.push([
            service.id,
            'default',
            'GET /x',
            telemetry.fingerprint(t + 1),
            '1h',
            bucket,
            700,
            2100.5,
            30,
            1,
            histogram,
          ])
        }
        for (let d = 0; d < FLEET.days; d++) {
          const bucket = new Date(Math.floor(now.getTime() / DAY) * DAY - d * DAY)
          rollups.push([
            service.id,
            'default',
            'GET /x',
            telemetry.fingerprint(t + 1),
            '1d',
            bucket,
            16800,
            50412,
            30,
            24,
            histogram,
          ])
        }
      }
      const rollupFields = [
        'service',
        'alias',
        'route',
        'fingerprint',
        'resolution',
        'bucket_start',
        'count',
        'total_ms',
        'max_ms',
        'errors',
        'histogram',
      ]
      await bulkInsert(QueryRollup, rollupFields, rollups)
      const minutes = Array.from({ length: 1440 }, (_, m) => new Date(now.getTime() - m * 60_000))
      await bulkInsert(
        HealthSample,
        ['service', 'alias', 'at', 'status', 'elapsed_ms', 'error'],
        minutes.map((at) => [service.id, 'default', at, 'ok', 1.2, null]),
      )
      const poolFields = [
        'service',
        'alias',
        'instance',
        'at',
        'vendor',
        'max',
        'size',
        'in_use',
        'idle',
        'waiting',
        'checkouts',
        'timeouts',
        'wait_ms',
        'wait_histogram',
        'restarted',
        'cumulative',
        'process_started_at',
      ]
      await bulkInsert(
        PoolSample,
        poolFields,
        minutes.map((at) => [
          service.id,
          'default',
          'web-1:1',
          at,
          'postgresql',
          10,
          6,
          3,
          3,
          0,
          500,
          0,
          12.5,
          histogram,
          false,
          {},
          now,
        ]),
      )
      const slow = Array.from({ length: 14 * 24 * 4 }, (_, i) => [
        service.id,
        'default',
        'GET /x',
        telemetry.fingerprint(1),
        new Date(now.getTime() - i * 900_000),
        812,
        500,
        null,
      ])
      await bulkInsert(
        SlowQuery,
        ['service', 'alias', 'route', 'fingerprint', 'at', 'elapsed_ms', 'threshold_ms', 'error'],
        slow,
      )
      rows += rollups.length + 2 * minutes.length + slow.length
    }
  }
  return rows
}

async function benchFleet(store: Store): Promise<{ rows: number; seedS: number; ms24h: number; ms30d: number } | null> {
  type Reader = (...args: unknown[]) => unknown
  let data: { fleetOverview?: Reader; parseTimeRange?: Reader }
  try {
    data = await load('lib/data.ts')
  } catch {
    return null
  }
  const { fleetOverview, parseTimeRange } = data
  if (typeof fleetOverview !== 'function' || typeof parseTimeRange !== 'function') return null
  await useStore(store.url)
  const now = new Date()
  const seedStart = performance.now()
  const rows = await seedFleet(now)
  const seedS = (performance.now() - seedStart) / 1000
  if (getConnection().vendor === 'postgresql') await getConnection().execute('ANALYZE')
  const time = async (range: string) => {
    const parsed = parseTimeRange({ range }, now)
    await fleetOverview(parsed, { now })
    const runs: number[] = []
    for (let i = 0; i < FLEET_RUNS; i++) {
      const t0 = performance.now()
      const fleet = (await fleetOverview(parsed, { now })) as unknown[]
      runs.push(performance.now() - t0)
      if (fleet.length !== FLEET.environments) throw new Error(`fleetOverview returned ${fleet.length} environments`)
    }
    return median(runs)
  }
  return { rows, seedS, ms24h: await time('24h'), ms30d: await time('30d') }
}

async function main(): Promise<void> {
  const server = benchUrl('ingest')
  const dir = mkdtempSync(join(tmpdir(), 'dorm-bench-ingest-'))
  const stores = async (label: string): Promise<Store[]> => [
    { name: 'SQLite', url: `sqlite:///${join(dir, `${label}.sqlite3`)}` },
    { name: 'PostgreSQL', url: await freshPgDatabase(server, `dorm_bench_dashboard_${label}`) },
  ]
  const only = process.argv[2]
  if (only !== undefined && only !== 'store' && only !== 'fleet') {
    console.error(`unknown part '${only}': use store, fleet, or nothing for both`)
    process.exit(2)
  }
  try {
    if (only !== 'fleet') {
      console.log(`ingest: ${SENDERS} concurrent senders x ${BATCHES_PER_SENDER} gzipped batches of 500 mixed items`)
      for (const store of await stores('ingest')) {
        const r = await benchIngest(store)
        console.log(
          `  ${store.name.padEnd(11)} ${Math.round(r.itemsPerS).toLocaleString('en-US').padStart(7)} items/s stored` +
            `  (${r.items.toLocaleString('en-US')} items, median batch ${r.batchMs.toFixed(1)} ms under ${SENDERS}-way concurrency)`,
        )
      }
    }
    if (only !== 'store') {
      const { environments, services, templates, days } = FLEET
      console.log(
        `fleet page: ${environments} environments x ${services} services x ${templates} templates, ${days} days of 1h/1d rollups`,
      )
      for (const store of await stores('fleet')) {
        const r = await benchFleet(store)
        if (r === null) {
          console.log('  fleetOverview not available')
          break
        }
        console.log(
          `  ${store.name.padEnd(11)} fleetOverview median ${r.ms24h.toFixed(1)} ms (24h), ${r.ms30d.toFixed(1)} ms (30d)` +
            `  (${r.rows.toLocaleString('en-US')} rows seeded in ${r.seedS.toFixed(1)} s)`,
        )
      }
    }
  } finally {
    await closeDatabase()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
