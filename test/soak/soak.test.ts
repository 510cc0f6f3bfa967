/**
 * The soak: the dashboard (`next start`, its store on PostgreSQL as in docker-compose.yml), the
 * example shop (PostgreSQL, its telemetry exporter sending to the dashboard every 5 s) and a
 * traffic driver (the shop's own `driveTraffic`, 4 shoppers, a pool-saturation burst every 2
 * minutes) run as separate processes for `SOAK_MINUTES` (default 30). Every 10 s the resident
 * memory of each process is read from /proc, and both health endpoints are probed.
 *
 * Every minute (four times per window in a short run) each process also gets a full garbage
 * collection through its V8 inspector (`--inspect=127.0.0.1:0`), and the memory it retains then is
 * read: RSS and used heap after the collection.
 *
 * Asserted: after the warm-up (`SOAK_WARMUP_MINUTES`, default 5), each process's mean retained RSS
 * and mean retained heap over the last window are at most 1.10 × their means over the first window
 * (windows of min(5 min, a third of the post-warm-up time)). Plain RSS between collections is
 * recorded and reported, not judged: under light traffic V8 grows its heap for a long time before a
 * major collection, so it climbs with garbage, not with anything kept. Every process is alive at the end (the driver ran its whole course and
 * the shop exits 0 on SIGTERM); under 1% of requests fail (no answer, or a 5xx other than the
 * bursts' documented PoolTimeout 503s); the dashboard stored the environment's telemetry all along
 * (rollup rows, and batches up to the end); no log shows the admin password or the ingest key.
 * Figures: `artifacts/reliability/soak.json`; samples: `artifacts/soak-samples.csv`.
 *
 * Quick run: `SOAK_MINUTES=3 SOAK_WARMUP_MINUTES=1 npx vitest run --config soak/vitest.config.ts`.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { TSX_LOADER } from '../../e2e/support/paths.js'
import { CANARY_PASSWORD, leakedCanaries } from '../support/canaries.js'
import { artifactsDir, recordFigures, recordOutput } from '../support/figures.js'
import { freshPgDatabase } from '../support/services.js'
import { ingestCounts } from './support/ingest-counts.js'
import { connectInspector, type InspectorMemory } from './support/inspector-memory.js'
import { judgeMemory, type MemoryPoint, type MemoryVerdict } from './support/memory-analysis.js'
import { type MemorySample, startMemorySampler, writeSamplesCsv } from './support/memory-sampler.js'
import { servingPid } from './support/process-memory.js'
import { startSoakDashboard } from './support/soak-dashboard.js'
import { soakPlan } from './support/soak-plan.js'
import { type SoakProcess, startSoakProcess } from './support/soak-process.js'
import { databaseForRole, startSoakShop } from './support/soak-shop.js'
import { TrafficTotals } from './support/traffic-rounds.js'

const plan = soakPlan()
const ENVIRONMENT = 'soak'
const TELEMETRY_INTERVAL_S = 5
const CONCURRENCY = 4
/** Flat within 10%: the last window's mean retained memory over the first's. */
const MAX_GROWTH = 1.1
const MAX_ERROR_RATE = 0.01
const DRIVER = join(import.meta.dirname, 'support', 'traffic-driver.ts')
const LOG_DIR = join(artifactsDir, 'soak')

const started: SoakProcess[] = []
let workDir: string | undefined
afterAll(async () => {
  // last started, first stopped: the driver, then the shop (flushes to the dashboard), then the dashboard
  for (const child of started.reverse()) await child.stop()
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true })
})

function pointsOf(samples: readonly MemorySample[], read: (sample: MemorySample) => number | undefined): MemoryPoint[] {
  return samples.flatMap((sample) => {
    const mb = read(sample)
    return mb === undefined ? [] : [{ atMs: sample.atMs, mb }]
  })
}

async function readLogs(): Promise<string> {
  const files = (await readdir(LOG_DIR)).sort()
  const parts = await Promise.all(
    files.map(async (file) => `--- ${file}\n${await readFile(join(LOG_DIR, file), 'utf8')}`),
  )
  return parts.join('\n')
}

test(
  `memory of the dashboard, the shop and the traffic driver stays flat over ${plan.durationMs / 60_000} minutes of traffic`,
  async () => {
    await rm(LOG_DIR, { recursive: true, force: true })
    await mkdir(LOG_DIR, { recursive: true })
    workDir = await mkdtemp(join(tmpdir(), 'dorm-soak-'))

    const storeUrl = await databaseForRole(await freshPgDatabase('soak_dashboard'), 'soak_dashboard', CANARY_PASSWORD)
    const dashboard = await startSoakDashboard({
      workDir,
      logDir: LOG_DIR,
      storeUrl,
      environment: ENVIRONMENT,
      password: CANARY_PASSWORD,
    })
    started.push(dashboard.process)
    const dashboardServerPid = await servingPid(dashboard.process.pid, /^next-server/)
    const databaseUrl = await databaseForRole(await freshPgDatabase('soak_shop'), 'soak_shop', CANARY_PASSWORD)
    const shop = await startSoakShop({
      workDir,
      logDir: LOG_DIR,
      databaseUrl,
      telemetry: {
        endpoint: dashboard.url,
        keyFile: dashboard.ingestKeyFile,
        environment: ENVIRONMENT,
        service: 'shop',
        intervalS: TELEMETRY_INTERVAL_S,
      },
    })
    started.push(shop.process)

    const totals = new TrafficTotals()
    const driver = startSoakProcess({
      name: 'traffic',
      inspect: true,
      args: ['--import', TSX_LOADER, DRIVER],
      cwd: import.meta.dirname,
      env: {
        ...process.env,
        SOAK_SHOP_URL: shop.url,
        SOAK_DURATION_MS: String(plan.durationMs),
        SOAK_CONCURRENCY: String(CONCURRENCY),
        SOAK_BURST_EVERY_MS: String(plan.burstEveryMs),
      },
      logFile: join(LOG_DIR, 'traffic.log'),
    })
    started.push(driver)
    driver.onStdoutLine((line) => totals.addLine(line))
    const pids = { dashboard: dashboardServerPid, shop: shop.process.pid, traffic: driver.pid }
    const processes = { dashboard: dashboard.process, shop: shop.process, traffic: driver }
    const inspected: Record<string, InspectorMemory> = {}
    for (const [name, pid] of Object.entries(pids)) {
      inspected[name] = await connectInspector(processes[name as keyof typeof processes].inspectorUrls, pid)
    }
    const sampler = startMemorySampler({
      everyMs: plan.sampleEveryMs,
      pids,
      probes: { shop: `${shop.url}/healthz`, dashboard: `${dashboard.url}/api/v1/health` },
      metrics: { shop: `${shop.url}/metrics` },
      inspectors: inspected,
      gcEveryMs: plan.gcEveryMs,
    })
    const trafficStarted = Date.now()

    // the driver ends by itself at the end of the run; a server that dies first ends the soak at once
    const ended = await Promise.race([
      driver.exited.then((exit) => ({ who: 'traffic', exit })),
      shop.process.exited.then((exit) => ({ who: 'shop', exit })),
      dashboard.process.exited.then((exit) => ({ who: 'dashboard', exit })),
    ])
    await sampler.sampleNow()
    await sampler.stop()
    const trafficEnded = Date.now()
    const alive = { dashboard: dashboard.process.alive(), shop: shop.process.alive() }
    const driverExit = await driver.exited

    const shopExit = await shop.process.stop()
    const ingest = await ingestCounts(dashboard.storeUrl, ENVIRONMENT)
    const ingestKey = (await readFile(dashboard.ingestKeyFile, 'utf8')).trim()
    await dashboard.process.stop()

    const samples = sampler.samples
    type Judged = MemoryVerdict & { startMb: number; endMb: number }
    const judged = (points: MemoryPoint[]): Judged => ({
      startMb: Math.round(points[0]?.mb ?? Number.NaN),
      endMb: Math.round(points.at(-1)?.mb ?? Number.NaN),
      ...judgeMemory(points, plan),
    })
    const memory: Record<string, { pid: number; retainedRss: Judged; retainedHeap: Judged; rssBetweenGc: Judged }> = {}
    for (const [name, pid] of Object.entries(pids)) {
      memory[name] = {
        pid,
        retainedRss: judged(pointsOf(samples, (sample) => sample.afterGc[name]?.rssMb)),
        retainedHeap: judged(pointsOf(samples, (sample) => sample.afterGc[name]?.heapUsedMb)),
        rssBetweenGc: judged(pointsOf(samples, (sample) => sample.rssMb[name])),
      }
    }
    const heapPoints = samples.flatMap((sample) =>
      sample.heapMb.shop === undefined ? [] : [{ atMs: sample.atMs, mb: sample.heapMb.shop }],
    )
    const probesOk = (name: string) => samples.filter((sample) => sample.probes[name] === 200).length
    const seconds = (trafficEnded - trafficStarted) / 1000
    const expectedBatches = Math.floor(seconds / TELEMETRY_INTERVAL_S)
    const logs = await readLogs()
    await writeSamplesCsv(samples, join(artifactsDir, 'soak-samples.csv'))
    await recordOutput('soak', logs)
    await recordFigures('soak', {
      minutes: Math.round(seconds / 6) / 10,
      warmupMinutes: plan.warmupMs / 60_000,
      windowMinutes: Math.round(plan.windowMs / 6000) / 10,
      sampleEverySeconds: plan.sampleEveryMs / 1000,
      samples: samples.length,
      endedBy: ended.who,
      alive: { ...alive, trafficCompleted: driverExit.code === 0 && totals.done },
      shopExitOnSigterm: shopExit,
      memoryMb: memory,
      maxGrowth: MAX_GROWTH,
      shopHeapUsedMb:
        heapPoints.length === 0
          ? 'not exposed: the shop registers no prom-client default metrics in /metrics'
          : judgeMemory(heapPoints, plan),
      trafficHeapUsedMbPerRound: totals.driverHeapMb.map((mb) => Math.round(mb * 10) / 10),
      traffic: {
        concurrency: CONCURRENCY,
        requests: totals.requests(),
        requestsPerSecond: Math.round(totals.requests() / seconds),
        errors: totals.errors(),
        errorRate: totals.errorRate(),
        bursts: totals.rounds.filter((round) => round.kind === 'burst').length,
        excusedBurst503: totals.excusedBurst503(),
        byStatus: totals.byStatus,
        byEndpoint: totals.byEndpoint,
        errorSamples: [...totals.errorSamples],
        rounds: totals.rounds,
      },
      probes: {
        total: samples.length,
        shopHealthzOk: probesOk('shop'),
        dashboardHealthOk: probesOk('dashboard'),
      },
      ingest: { ...ingest, intervalSeconds: TELEMETRY_INTERVAL_S, expectedBatches },
    })

    expect(ended.who, `${ended.who} ended first (${JSON.stringify(ended.exit)}); see ${LOG_DIR}`).toBe('traffic')
    expect(alive).toEqual({ dashboard: true, shop: true })
    expect(driverExit.code, `the traffic driver failed; see ${LOG_DIR}/traffic.log`).toBe(0)
    expect(totals.done, 'the traffic driver did not finish its run').toBe(true)
    expect(shopExit).toEqual({ code: 0, signal: null })
    for (const [name, { retainedRss, retainedHeap }] of Object.entries(memory)) {
      for (const [what, verdict] of [
        ['retained RSS', retainedRss],
        ['retained heap', retainedHeap],
      ] as const) {
        expect(
          verdict.last.mean,
          `${name}: mean ${what} of the last window ${verdict.last.mean} MB vs ${verdict.first.mean} MB in the first after warm-up`,
        ).toBeLessThanOrEqual(MAX_GROWTH * verdict.first.mean)
      }
    }
    expect(totals.requests()).toBeGreaterThan(seconds) // steady traffic: well over one request a second
    expect(totals.errorRate(), `errors: ${[...totals.errorSamples].join(' | ')}`).toBeLessThan(MAX_ERROR_RATE)
    expect(ingest.services).toContain('shop')
    expect(ingest.rows.dashboard_queryrollup).toBeGreaterThan(0)
    // the exporter kept sending for the whole run, not only at the start
    expect(ingest.batches).toBeGreaterThanOrEqual(Math.floor(expectedBatches / 2))
    expect(Date.parse(ingest.lastBatchAt ?? '')).toBeGreaterThanOrEqual(trafficEnded - 3 * TELEMETRY_INTERVAL_S * 1000)
    expect(leakedCanaries(logs)).toEqual([])
    expect(logs.includes(ingestKey), 'a log shows the ingest key').toBe(false)
  },
  plan.durationMs + 10 * 60_000,
)
