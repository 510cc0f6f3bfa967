/**
 * Pool benchmark: dorm's PostgreSQL pool next to raw `pg.Pool`, same server, same pool size.
 *
 *   npm run bench -- pool        (starts a throwaway PostgreSQL 15 unless DORM_BENCH_PG_URL is set)
 *
 * Measures, as the median of paired rounds:
 *   1. checkout + release of an idle connection, no query
 *   2. a `SELECT 1` round trip through the public API (`getConnection().execute` vs `pool.query`)
 * with POOL_CHECK on (a connection used within the last second is not pinged) and
 * PREPARE_THRESHOLD off, so both sides send the same protocol messages; then the bare pool with a
 * connector that counts POOL_CHECK pings, and the default PREPARE_THRESHOLD (5) for reference.
 */
import pg from 'pg'
import { pgConnector } from '../packages/engine/src/backends/postgres/postgres-backend.js'
import { PostgresPool } from '../packages/engine/src/backends/postgres/postgres-pool.js'
import { closeAll, configure, getConnection } from '../packages/engine/src/index.js'
import { benchUrl, type Comparison, compare, packageVersion, pinCores, printTable } from './support/harness.js'

const url = benchUrl('pool')
const ROUNDS = 200
const CHECKOUTS_PER_ROUND = 500
const QUERIES_PER_ROUND = 50

async function main(): Promise<void> {
  const rawPool = new pg.Pool({ connectionString: url, max: 10, min: 1 })
  const results: Comparison[] = []

  configure({
    DATABASES: {
      default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10, POOL_CHECK: true, PREPARE_THRESHOLD: null },
    },
  })
  const db = getConnection()
  await db.execute('SELECT 1')
  await rawPool.query('SELECT 1')
  const placement = await pinCores(rawPool)
  results.push(
    await compare(
      'checkout + release (idle connection)',
      ROUNDS,
      CHECKOUTS_PER_ROUND,
      async () => (await db.acquireLease()).release(),
      async () => (await rawPool.connect()).release(),
    ),
  )
  results.push(
    await compare(
      'SELECT 1 round trip',
      ROUNDS,
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
  await pinCores(rawPool)
  const checkoutsBefore = pool.counters.requests_num
  results.push(
    await compare('SELECT 1 on the bare pool (POOL_CHECK on)', ROUNDS, QUERIES_PER_ROUND, poolQuery, () =>
      rawPool.query('SELECT 1'),
    ),
  )
  const checkouts = pool.counters.requests_num - checkoutsBefore
  await pool.close()

  await closeAll()
  configure({ DATABASES: { default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10 } } })
  const prepared = getConnection()
  await prepared.execute('SELECT 1')
  await pinCores(rawPool)
  results.push(
    await compare(
      'SELECT 1, dorm PREPARE_THRESHOLD=5 (default)',
      ROUNDS,
      QUERIES_PER_ROUND,
      () => prepared.execute('SELECT 1'),
      () => rawPool.query('SELECT 1'),
    ),
  )

  const server = (await rawPool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  console.log(`dorm pool benchmark: node ${process.version}, pg ${packageVersion('pg')}, PostgreSQL ${server}`)
  console.log(`placement: ${placement}`)
  console.log(`median of ${ROUNDS} paired rounds, pool size 10, sequential ops on one idle connection\n`)
  printTable('', results, 'pg.Pool')
  // POOL_CHECK pings only connections idle for more than a second (CHECK_GRACE_MS)
  console.log(
    `\nPOOL_CHECK on the bare pool: ${pings} ping(s) for ${checkouts} checkouts of a connection used moments before.`,
  )
  await closeAll()
  await rawPool.end()
}

await main()
