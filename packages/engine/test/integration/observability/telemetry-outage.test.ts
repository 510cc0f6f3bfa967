import { performance } from 'node:perf_hooks'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type PoolItem, startTelemetry, type TelemetryHandle } from '../../../src/contrib/telemetry/index.js'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { pgUrl, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { type DashboardStub, startDashboardStub } from './telemetry-dashboard-stub.js'

const describePg = testBackends().includes('postgres') ? describe : describe.skip
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs app statements back to back until `until()` is true; records each latency and failure. */
async function appTraffic(until: () => boolean, onEach: () => void) {
  const latencies: number[] = []
  const failures: unknown[] = []
  const worker = async (n: number) => {
    const db = getConnection()
    while (!until()) {
      const started = performance.now()
      try {
        await db.execute('SELECT $1::int AS worker, pg_sleep(0.01)', [n])
      } catch (err) {
        failures.push(err)
      }
      latencies.push(performance.now() - started)
      onEach()
    }
  }
  await Promise.all([worker(1), worker(2), worker(3)])
  return { latencies, failures }
}

describePg('the telemetry exporter while the dashboard is unreachable', () => {
  let dashboard: DashboardStub
  let telemetry: TelemetryHandle | null = null
  let logs: ReturnType<typeof captureLogs>

  beforeAll(async () => {
    dashboard = await startDashboardStub()
  })
  afterAll(() => dashboard.close())
  beforeEach(() => {
    dashboard.received.length = 0
    logs = captureLogs({ 'dorm.contrib.telemetry': 'WARNING', 'dorm.db.backends.postgresql': 'ERROR' })
  })
  afterEach(async () => {
    await telemetry?.stop()
    telemetry = null
    await dashboard.up()
    await closeAll()
    resetSettings()
    logs.stop()
    expect(dashboard.problems).toEqual([])
  })

  it('down for 15 intervals (a minute, compressed to 3 s at intervalS 0.2) then up: queries never fail or stall, the queue stays bounded, drops are reported, data after recovery arrives', async () => {
    // SLOW_QUERY_MS 0: every statement is a slow query item, so the queue overflows during the outage
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 3 } }, SLOW_QUERY_MS: 0 })
    await dashboard.down()
    const maxQueueItems = 200
    telemetry = startTelemetry({
      endpoint: dashboard.url,
      token: 'dk_ingest_test',
      service: 'api',
      intervalS: 0.2,
      maxQueueItems,
      timeoutMs: 500,
      validate: 'all',
    })
    const exporter = telemetry
    let maxQueued = 0
    const watch = () => {
      maxQueued = Math.max(maxQueued, exporter.stats().queued)
    }

    const outageEnds = performance.now() + 3000
    const outage = await appTraffic(() => performance.now() >= outageEnds, watch)
    const duringOutage = exporter.stats()
    expect(dashboard.received).toEqual([])
    expect(duringOutage.failures).toBeGreaterThan(0)
    expect(duringOutage.dropped).toBeGreaterThan(0)

    await dashboard.up()
    const recoveredAt = Date.now()
    const recoveryEnds = performance.now() + 2000
    const recovery = await appTraffic(() => performance.now() >= recoveryEnds, watch)
    for (let i = 0; i < 5; i++) await getConnection().execute('SELECT 99 AS after_recovery')
    await exporter.flush()

    // the app: no statement failed, none stalled behind the exporter
    expect(outage.failures).toEqual([])
    expect(recovery.failures).toEqual([])
    expect(outage.latencies.length).toBeGreaterThan(100)
    expect(Math.max(...outage.latencies, ...recovery.latencies)).toBeLessThan(1000)
    // the queue: never above its bound, the loss counted and reported to the dashboard
    expect(maxQueued).toBeLessThanOrEqual(maxQueueItems)
    const reportedDrops = dashboard.received.reduce((total, post) => total + post.batch.dropped, 0)
    expect(reportedDrops).toBeGreaterThanOrEqual(duringOutage.dropped)
    // the data: pools measured after the recovery arrived, and the rollups of the recovery's statements
    const accepted = dashboard.accepted()
    expect(accepted.some((i): i is PoolItem => i.kind === 'pool' && Date.parse(i.at) >= recoveredAt)).toBe(true)
    const marker = accepted.filter((i) => i.kind === 'query_rollup' && i.template === 'SELECT 99 AS after_recovery')
    expect(marker.reduce((total, i) => total + (i.kind === 'query_rollup' ? i.count : 0), 0)).toBe(5)
    // one warning for the whole outage (at most one a minute)
    const warnings = logs.records.filter((r) => r.logger === 'dorm.contrib.telemetry')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toMatch(/could not deliver .* retrying in \d+ ms, the app is not affected/)
    expect(exporter.stats().queued).toBe(0)
  })

  it('retries a batch answered 503 or 429 after Retry-After, with the same batch id', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 2 } } })
    dashboard.answer({ status: 503, retryAfter: '0.3' }, { status: 429, retryAfter: '0.2' })
    telemetry = startTelemetry({ endpoint: dashboard.url, token: 't', service: 'api', intervalS: 0.1, validate: 'all' })
    await getConnection().execute('SELECT 42 AS answer')
    const deadline = Date.now() + 5000
    while (telemetry.stats().sent === 0 && Date.now() < deadline) await sleep(50)
    const [first, second, third] = dashboard.received
    expect([first?.status, second?.status, third?.status]).toEqual([503, 429, 202])
    expect(new Set(dashboard.received.slice(0, 3).map((r) => r.batch.batch_id)).size).toBe(1)
    expect(telemetry.stats().failures).toBe(2)
    expect(telemetry.stats().sent).toBeGreaterThanOrEqual(third?.items.length ?? 1)
  })

  it('drops a batch the dashboard refuses (401) and says why, and stop() gives up at its deadline while the dashboard is down', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 2 } } })
    dashboard.answer({ status: 401 })
    telemetry = startTelemetry({
      endpoint: dashboard.url,
      token: 'revoked',
      service: 'api',
      intervalS: 60,
      validate: 'all',
    })
    await getConnection().execute('SELECT 7')
    await telemetry.flush()
    expect(dashboard.received.map((r) => r.status)).toEqual([401])
    expect(telemetry.stats()).toMatchObject({ sent: 0, queued: 0 })
    expect(telemetry.stats().dropped).toBe(dashboard.received[0]?.items.length)
    expect(logs.records.map((r) => r.message)).toEqual([
      expect.stringMatching(/refused a batch .*HTTP 401.*create an ingest key/),
    ])

    // the next batch tells the dashboard how many items were lost
    await getConnection().execute('SELECT 8')
    await telemetry.flush()
    expect(dashboard.received[1]).toMatchObject({
      status: 202,
      batch: { dropped: dashboard.received[0]?.items.length },
    })

    await getConnection().execute('SELECT 9')
    await dashboard.down()
    const stopping = telemetry.stop()
    telemetry = null
    await expect(stopping).resolves.toBeUndefined()
  })
})
