/**
 * Hook overhead benchmark: what observability costs per statement. A PK read through the ORM on
 * PostgreSQL, measured bare (no receivers) against raw `pg`, then with a QueryLog collecting, with
 * OpenTelemetry instrumented on the API's default no-op tracer and meter, with the Prometheus
 * metrics registered, and with all three, each against bare.
 *
 *   npm run bench -- hooks       (starts a throwaway PostgreSQL 15 unless DORM_BENCH_PG_URL is set)
 *
 * Every comparison is the median of per-pair ratios over paired rounds (alternating order). A
 * receiver is installed before its batch starts and removed after it ends, outside the clock.
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { Registry } from 'prom-client'
import { instrument, uninstrument } from '../packages/engine/src/contrib/otel/index.js'
import { registerDormMetrics } from '../packages/engine/src/contrib/prometheus/index.js'
import { QueryLog } from '../packages/engine/src/contrib/querylog/index.js'
import { endObservers, queryObservers, startObservers } from '../packages/engine/src/db/query-observers.js'
import {
  CharField,
  closeAll,
  configure,
  createModelSql,
  defineModel,
  dropModelSql,
  getConnection,
  IntegerField,
} from '../packages/engine/src/index.js'
import { dialectFor } from '../packages/engine/src/query/dialects.js'
import {
  benchUrl,
  type Comparison,
  compare,
  median,
  packageVersion,
  pinCores,
  printTable,
  timeBatch,
} from './support/harness.js'

const url = benchUrl('hooks')
const ROWS = 1000
const ROUNDS = 200
const PER_ROUND = 40

const Item = defineModel('bench.HookItem', {
  fields: { name: new CharField({ maxLength: 100 }), rank: new IntegerField({ default: 0 }) },
})

async function seed(): Promise<void> {
  const connection = getConnection()
  const dialect = dialectFor('postgresql')
  await connection.execute(dropModelSql(Item, dialect))
  for (const sql of createModelSql(Item, dialect)) await connection.execute(sql)
  await Item.objects.bulkCreate(Array.from({ length: ROWS }, (_, i) => ({ name: `item ${i}`, rank: i })))
  await connection.execute('ANALYZE')
}

/** Runs a timed batch with a receiver installed around it (outside the clock of the batch itself). */
type WithReceiver = (batch: () => Promise<number>) => Promise<number>

/** Paired rounds of bare and with-receiver batches; the ratio is the median of per-pair ratios. */
async function againstBare(
  label: string,
  measure: () => Promise<number>,
  withReceiver: WithReceiver,
): Promise<Comparison> {
  await measure()
  await withReceiver(measure)
  const bare: number[] = []
  const hooked: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      bare.push(await measure())
      hooked.push(await withReceiver(measure))
    } else {
      hooked.push(await withReceiver(measure))
      bare.push(await measure())
    }
  }
  const ratio = median(hooked.map((h, i) => h / (bare[i] as number)))
  return { label, dorm: median(hooked), raw: median(bare), ratio, unit: 'µs' }
}

const withQueryLog: WithReceiver = (batch) => new QueryLog().run(batch)

const withOtelNoop: WithReceiver = async (batch) => {
  instrument() // the global providers: the API's no-op tracer and meter, as no SDK is registered
  try {
    return await batch()
  } finally {
    uninstrument()
  }
}

const prometheusRegistry = new Registry()
const withPrometheus: WithReceiver = async (batch) => {
  const metrics = registerDormMetrics({ registry: prometheusRegistry })
  try {
    return await batch()
  } finally {
    metrics.unregister()
  }
}

const withEverything: WithReceiver = (batch) => withPrometheus(() => withOtelNoop(() => withQueryLog(batch)))

/**
 * Nanoseconds per statement the installed query observers add in-process (start + end with the
 * PK read's SQL), without a round trip's noise: the same hooks the pipeline calls.
 */
async function observerCostNs(withReceiver: WithReceiver): Promise<number> {
  const sql =
    'SELECT "bench_hookitem"."id", "bench_hookitem"."name", "bench_hookitem"."rank" FROM "bench_hookitem" WHERE "bench_hookitem"."id" = $1 LIMIT $2'
  const query = { alias: 'default', vendor: 'postgresql' as const, sql, params: [1, 2] }
  const ended = { ...query, elapsed_ms: 0.3, error: null, rowCount: 1 }
  const n = 20_000
  const rounds: number[] = []
  for (let round = 0; round < 15; round++) {
    rounds.push(
      await withReceiver(async () => {
        const observers = queryObservers
        const start = performance.now()
        for (let i = 0; i < n; i++) endObservers(observers, startObservers(observers, query), ended)
        return ((performance.now() - start) * 1e6) / n
      }),
    )
  }
  return median(rounds)
}

async function main(): Promise<void> {
  configure({ DATABASES: { default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10, PREPARE_THRESHOLD: null } } })
  await seed()
  const raw = new pg.Pool({ connectionString: url, max: 10, min: 1 })
  await raw.query('SELECT 1')
  const placement = await pinCores(raw)
  let id = 0
  const nextId = () => (id = (id % ROWS) + 1)
  const pkRead = () => Item.objects.get({ pk: nextId() })
  const measure = () => timeBatch(PER_ROUND, pkRead)
  const columns = '"bench_hookitem"."id", "bench_hookitem"."name", "bench_hookitem"."rank"'

  const baseline = await compare('bare ORM (no receivers) vs raw pg', ROUNDS, PER_ROUND, pkRead, () =>
    raw.query(`SELECT ${columns} FROM "bench_hookitem" WHERE "bench_hookitem"."id" = $1 LIMIT $2`, [nextId(), 2]),
  )
  const hooked = [
    await againstBare('QueryLog collecting', measure, withQueryLog),
    await againstBare('OpenTelemetry instrumented, no-op tracer/meter', measure, withOtelNoop),
    await againstBare('Prometheus metrics registered', measure, withPrometheus),
    await againstBare('all three', measure, withEverything),
  ]

  const server = (await raw.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  console.log(`dorm hook overhead benchmark: node ${process.version}, pg ${packageVersion('pg')}, PostgreSQL ${server}`)
  console.log(`placement: ${placement}; PK read get({ pk }); ${ROUNDS} paired rounds of ${PER_ROUND}\n`)
  printTable('baseline', [baseline], 'raw pg')
  console.log()
  printTable('receivers (ratio vs bare)', hooked, 'bare')
  const receivers: [string, WithReceiver][] = [
    ['QueryLog collecting', withQueryLog],
    ['OpenTelemetry instrumented, no-op tracer/meter', withOtelNoop],
    ['Prometheus metrics registered', withPrometheus],
    ['all three', withEverything],
  ]
  console.log('\nin-process cost per statement of the query observers (start + end, no round trip)')
  for (const [label, withReceiver] of receivers) {
    console.log(`  ${label.padEnd(50)} ${(await observerCostNs(withReceiver)).toFixed(0).padStart(6)} ns`)
  }
  await closeAll()
  await raw.end()
}

await main()
