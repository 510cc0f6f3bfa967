/**
 * Pool benchmark: dorm's PostgreSQL pool next to raw `pg.Pool`, same server, same pool size.
 *
 *   npm run bench -- pool        (starts a throwaway PostgreSQL 15 unless DORM_BENCH_PG_URL is set)
 *
 * Measures, as the median of many rounds (each round times a batch and divides):
 *   1. checkout + release of an idle connection, no query
 *   2. a `SELECT 1` round trip through the public API (`getConnection().execute` vs `pool.query`)
 * with POOL_CHECK on (a connection used within the last second is not pinged) and
 * PREPARE_THRESHOLD off, so both sides send the same protocol messages; then the same round trip
 * with dorm's default PREPARE_THRESHOLD (5) for reference. dorm and pg rounds alternate in pairs,
 * and the ratio is the median of the per-pair ratios, so drift on a shared 2-core machine (the
 * server runs on the same cores) hits both sides alike.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { pgConnector } from '../packages/engine/src/backends/postgres/postgres-backend.js'
import { PostgresPool } from '../packages/engine/src/backends/postgres/postgres-pool.js'
import { closeAll, configure, getConnection } from '../packages/engine/src/index.js'

const url = process.env.DORM_BENCH_PG_URL
if (!url) {
  console.error('DORM_BENCH_PG_URL is not set: run this through `npm run bench -- pool`.')
  process.exit(2)
}

const ROUNDS = 200
const CHECKOUTS_PER_ROUND = 500
const QUERIES_PER_ROUND = 50

/**
 * On a 2-core machine a SELECT 1 takes ~45 µs when the client and the server backend sit on
 * different cores and ~110 µs when they share one, and the scheduler decides per connection. Pin
 * this process to core 0 and every server process to core 1 (when the server is local and taskset
 * works), so both sides are measured in the same placement.
 */
async function pinCores(pool: pg.Pool): Promise<string> {
  try {
    const pids = (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((r) => r.pid)
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    for (const pid of pids) execFileSync('taskset', ['-p', '-c', '1', String(pid)], { stdio: 'ignore' })
    return `client pinned to core 0, ${pids.length} server processes to core 1`
  } catch (err) {
    return `not pinned (${(err as Error).message.split('\n')[0]}); expect noisy ratios`
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

async function timeBatch(n: number, op: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await op()
  return ((performance.now() - start) * 1000) / n // microseconds per op
}

async function compare(
  label: string,
  n: number,
  dormOp: () => Promise<unknown>,
  pgOp: () => Promise<unknown>,
): Promise<{ label: string; dorm: number; pg: number; ratio: number }> {
  // warm up both paths (JIT, connections, prepared statements)
  await timeBatch(n, dormOp)
  await timeBatch(n, pgOp)
  const dormRounds: number[] = []
  const pgRounds: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      dormRounds.push(await timeBatch(n, dormOp))
      pgRounds.push(await timeBatch(n, pgOp))
    } else {
      pgRounds.push(await timeBatch(n, pgOp))
      dormRounds.push(await timeBatch(n, dormOp))
    }
  }
  // rounds are paired (adjacent in time), so the median of the per-round ratios cancels machine drift
  const ratio = median(dormRounds.map((d, i) => d / (pgRounds[i] as number)))
  return { label, dorm: median(dormRounds), pg: median(pgRounds), ratio }
}

async function main(): Promise<void> {
  const rawPool = new pg.Pool({ connectionString: url, max: 10, min: 1 })
  const results = []

  configure({
    DATABASES: {
      default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10, POOL_CHECK: true, PREPARE_THRESHOLD: null },
    },
  })
  const db = getConnection()
  await db.execute('SELECT 1')

  const pinning: string[] = []
  await rawPool.query('SELECT 1')
  pinning.push(await pinCores(rawPool))
  results.push(
    await compare(
      'checkout + release (idle connection)',
      CHECKOUTS_PER_ROUND,
      async () => (await db.acquireLease()).release(),
      async () => (await rawPool.connect()).release(),
    ),
  )
  results.push(
    await compare(
      'SELECT 1 round trip',
      QUERIES_PER_ROUND,
      () => db.execute('SELECT 1'),
      () => rawPool.query('SELECT 1'),
    ),
  )

  // the pool on its own, with a connector that counts POOL_CHECK pings
  let pings = 0
  const connector = pgConnector({ connectionString: url })
  const counting = {
    ...connector,
    ping(c: pg.Client) {
      pings++
      return connector.ping(c)
    },
  }
  const pool = new PostgresPool<pg.Client>(
    {
      alias: 'bench',
      min: 1,
      max: 10,
      timeoutMs: 30_000,
      check: true,
      maxIdleMs: 600_000,
      maxLifetimeMs: 3_600_000,
      prepareThreshold: null,
    },
    counting,
  )
  const poolQuery = async () => {
    const conn = await pool.acquire()
    try {
      await conn.client.query('SELECT 1')
    } finally {
      pool.release(conn)
    }
  }
  await poolQuery()
  pinning.push(await pinCores(rawPool))
  const checkoutsBefore = pool.counters.requests_num
  results.push(
    await compare('SELECT 1 on the bare pool (POOL_CHECK on)', QUERIES_PER_ROUND, poolQuery, () =>
      rawPool.query('SELECT 1'),
    ),
  )
  const checkouts = pool.counters.requests_num - checkoutsBefore
  await pool.close()

  await closeAll()
  configure({ DATABASES: { default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10 } } })
  const prepared = getConnection()
  await prepared.execute('SELECT 1')
  pinning.push(await pinCores(rawPool))
  results.push(
    await compare(
      'SELECT 1 round trip, dorm PREPARE_THRESHOLD=5 (default)',
      QUERIES_PER_ROUND,
      () => prepared.execute('SELECT 1'),
      () => rawPool.query('SELECT 1'),
    ),
  )

  const server = (await rawPool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  console.log(`dorm pool benchmark: node ${process.version}, pg ${pgVersion()}, PostgreSQL ${server}`)
  console.log(`placement: ${pinning[0]}`)
  console.log(`median of ${ROUNDS} paired rounds, pool size 10, sequential ops on one idle connection\n`)
  console.log('what'.padEnd(58), 'dorm µs'.padStart(10), 'pg.Pool µs'.padStart(11), 'ratio'.padStart(8))
  for (const r of results) {
    console.log(
      r.label.padEnd(58),
      r.dorm.toFixed(2).padStart(10),
      r.pg.toFixed(2).padStart(11),
      `${r.ratio.toFixed(3)}x`.padStart(8),
    )
  }
  // POOL_CHECK pings only connections idle for more than a second (CHECK_GRACE_MS)
  console.log(
    `\nPOOL_CHECK on the bare pool: ${pings} ping(s) for ${checkouts} checkouts of a connection used moments before.`,
  )
  await closeAll()
  await rawPool.end()
}

function pgVersion(): string {
  const require = createRequire(import.meta.url)
  return (JSON.parse(readFileSync(require.resolve('pg/package.json'), 'utf8')) as { version: string }).version
}

await main()
