/**
 * The dashboard's SQLite store and memory: the ingest handler behind `POST /api/v1/ingest`, fed
 * thousands of batches in one process (`apps/dashboard/test/support/store-memory-child.ts`), with the retained RSS and
 * heap read after full collections as the store file grows.
 *
 * Asserted: once the file is past 1.5 × SQLite's page-cache bound (better-sqlite3's 16 MB), the
 * retained RSS and heap stay within 10% to the end, like the soak's processes; and a control run
 * with a 2 MB cache levels off lower by at least half the difference of the two bounds. So the
 * climb before the file outgrows the cache is the cache filling, not a leak: this is why the soak
 * runs the dashboard on PostgreSQL (as docker-compose.yml does), where that cache is not in the
 * process. Figures: `artifacts/reliability/sqlite-store-memory.json`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { DASHBOARD_DIR, REPO_ROOT, TSX_LOADER } from '../../e2e/support/paths.js'
import { runNode } from '../../e2e/support/processes.js'
import { recordFigures } from '../support/figures.js'

/** One JSON line of the child (its `StoreMemoryReading`). */
interface StoreMemoryReading {
  batches: number
  storeBytes: number
  cacheBytes: number
  rssMb: number
  heapUsedMb: number
}

const CHILD = join(DASHBOARD_DIR, 'test', 'support', 'store-memory-child.ts')
const BATCHES = 4000
const EVERY = 250
const MAX_GROWTH = 1.1
const CONTROL_CACHE_KIB = 2000

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function ingestRun(extraArgs: string[] = []): Promise<StoreMemoryReading[]> {
  const storeDir = await mkdtemp(join(tmpdir(), 'dorm-store-memory-'))
  dirs.push(storeDir)
  const args = ['--store-dir', storeDir, '--batches', String(BATCHES), '--every', String(EVERY), ...extraArgs]
  const { stdout } = await runNode(['--expose-gc', '--import', TSX_LOADER, CHILD, ...args], {
    cwd: REPO_ROOT,
    timeoutMs: 300_000,
  })
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as StoreMemoryReading)
}

/** The readings taken once the store file is past 1.5 × the page-cache bound. */
function pastTheCache(readings: StoreMemoryReading[]): StoreMemoryReading[] {
  return readings.filter((reading) => reading.storeBytes >= 1.5 * reading.cacheBytes)
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length

test('the SQLite store grows the process only until the file outgrows the page cache', {
  timeout: 600_000,
}, async () => {
  const full = await ingestRun()
  const control = await ingestRun(['--cache-kib', String(CONTROL_CACHE_KIB)])
  expect(full).toHaveLength(BATCHES / EVERY + 1)
  expect(control).toHaveLength(BATCHES / EVERY + 1)
  const steady = pastTheCache(full)
  const steadyControl = pastTheCache(control)
  // enough of the run is past the cache for a verdict
  expect(steady.length).toBeGreaterThanOrEqual(6)
  const first = steady[0] as StoreMemoryReading
  const last = steady.at(-1) as StoreMemoryReading
  const plateau = mean(steady.map((reading) => reading.rssMb))
  const controlPlateau = mean(steadyControl.map((reading) => reading.rssMb))
  const cacheDifferenceMb = (first.cacheBytes - (steadyControl[0]?.cacheBytes ?? 0)) / 1048576
  await recordFigures('sqlite-store-memory', {
    batches: BATCHES,
    storeMb: Math.round(last.storeBytes / 104857.6) / 10,
    cacheMb: Math.round(first.cacheBytes / 104857.6) / 10,
    retainedRssMb: { start: full[0]?.rssMb, cacheFull: first.rssMb, end: last.rssMb, plateau },
    retainedHeapMb: { start: full[0]?.heapUsedMb, cacheFull: first.heapUsedMb, end: last.heapUsedMb },
    control: { cacheKib: CONTROL_CACHE_KIB, plateauRssMb: controlPlateau },
    readings: full,
    controlReadings: control,
  })
  expect(last.rssMb / first.rssMb).toBeLessThanOrEqual(MAX_GROWTH)
  expect(last.heapUsedMb / first.heapUsedMb).toBeLessThanOrEqual(MAX_GROWTH)
  expect(plateau - controlPlateau).toBeGreaterThanOrEqual(cacheDifferenceMb / 2)
})
