/**
 * Child process of the soak suite's SQLite-store memory test (`test/soak/sqlite-store-memory.test.ts`
 * at the repository root): the dashboard's own ingest handler
 * (`handleIngestRequest`, the code behind `POST /api/v1/ingest`) on a SQLite store in
 * `--store-dir`, fed `--batches` batches as fast as it takes them. Every `--every` batches it forces two
 * full garbage collections (run it with `--expose-gc`) and prints one JSON line: batches stored,
 * the store file's size, SQLite's page-cache bound (`PRAGMA cache_size`), and the retained RSS and
 * heap. The batches come from a seeded generator (`--seed`): the same run every time. `--cache-kib`
 * sets a page cache of that many KiB instead of better-sqlite3's 16 MB (the control run).
 *
 * @example
 * ```ts
 * // $ node --expose-gc --import tsx test/support/store-memory-child.ts --store-dir /tmp/s --batches 6000 --every 500
 * // {"batches":500,"storeBytes":3080192,"cacheBytes":16384000,"rssMb":141.2,"heapUsedMb":17.6}
 * ```
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** One reading of the child's memory, printed as a JSON line. */
export interface StoreMemoryReading {
  batches: number
  storeBytes: number
  /** SQLite's page-cache bound for the connection, in bytes. */
  cacheBytes: number
  rssMb: number
  heapUsedMb: number
}

/** A small deterministic generator (mulberry32): the same batches on every run. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'store-dir': { type: 'string' },
      batches: { type: 'string', default: '6000' },
      every: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      'cache-kib': { type: 'string' },
    },
  })
  const storeDir = values['store-dir']
  if (!storeDir) throw new Error('--store-dir is missing: give the folder of the SQLite store')
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run this child with node --expose-gc')
  process.env.DASHBOARD_DATA_DIR = storeDir
  process.env.DASHBOARD_DATABASE_URL = ''
  // the handler's per-key rate limit would make this run take hours: the point is the store
  process.env.DASHBOARD_RATE_LIMIT_PER_S = '1000000'
  const batches = Number(values.batches)
  const every = Number(values.every)
  const random = seeded(Number(values.seed))

  const { getConnection } = await import('@dorm/engine')
  const { ensureDatabase } = await import('../../lib/db')
  const { createEnvironment, createKey } = await import('../../lib/keys')
  const { handleIngestRequest } = await import('../../lib/ingest/ingest-request')
  const telemetry = await import('./telemetry')
  await ensureDatabase()
  await createEnvironment('soak')
  const { secret } = await createKey({ environment: 'soak', kind: 'ingest', label: 'store memory' })
  const storeFile = join(storeDir, 'dashboard.sqlite3')
  // the control run: the same store with a smaller page cache (the connection is the alias's only one)
  const cacheKib = values['cache-kib']
  if (cacheKib !== undefined) await getConnection().execute(`PRAGMA cache_size = -${Number(cacheKib)}`)
  const cacheSetting = Number(Object.values((await getConnection().execute('PRAGMA cache_size')).rows[0] ?? {})[0])
  const pageSize = Number(Object.values((await getConnection().execute('PRAGMA page_size')).rows[0] ?? {})[0])
  const cacheBytes = cacheSetting < 0 ? -cacheSetting * 1024 : cacheSetting * pageSize

  const itemsOf = (index: number) => {
    // one batch every 5 s of telemetry time, as the shop's exporter sends them
    const now = new Date(Date.UTC(2026, 0, 1) + index * 5000)
    const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString()
    const [health, slow, request, event] = telemetry.otherItems(now.toISOString())
    const items: unknown[] = [health, telemetry.poolItem({ at: now.toISOString(), checkouts: index * 10 })]
    for (let k = random(30); k > 0; k--) {
      const route = `GET /r${random(8)}`
      items.push(telemetry.rollupItem({ windowStart, route, fingerprint: telemetry.fingerprint(10 + random(60)) }))
    }
    for (let k = random(20); k > 0; k--) {
      const table = random(40)
      items.push({ ...slow, fingerprint: telemetry.fingerprint(100 + table), template: `SELECT * FROM "t${table}"` })
    }
    for (let k = random(40); k > 0; k--) items.push({ ...request, route: `GET /r${random(8)}` })
    for (let k = random(25); k > 0; k--) items.push(event)
    return items
  }

  const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10
  for (let index = 0; index <= batches; index++) {
    if (index % every === 0) {
      gc()
      gc()
      const memory = process.memoryUsage()
      const reading: StoreMemoryReading = {
        batches: index,
        storeBytes: statSync(storeFile).size,
        cacheBytes,
        rssMb: mb(memory.rss),
        heapUsedMb: mb(memory.heapUsed),
      }
      console.log(JSON.stringify(reading))
    }
    if (index === batches) break
    const body = telemetry.telemetryBatch({ items: itemsOf(index) as never, service: 'shop', environment: 'soak' })
    const response = await handleIngestRequest(telemetry.ingestRequest(secret, body))
    if (response.status !== 202) throw new Error(`batch ${index}: ${response.status} ${await response.text()}`)
  }
}

await main()
