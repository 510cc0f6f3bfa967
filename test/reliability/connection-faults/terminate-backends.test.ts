/**
 * Every connection of the app's pool is killed server-side (`pg_terminate_backend`) several times
 * while writers (idempotency keys, getOrCreate) and readers run. Reads outside transactions must
 * never see it (transient retry), nothing acknowledged may be lost or doubled, and the share of
 * operations whose caller saw an error is measured with POOL_CHECK on and off.
 */
import { closeAll, configure, getConnection, poolStats, resetSettings } from '@dorm/engine'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { recordFigures } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { type FaultCluster, startFaultCluster } from './support/fault-cluster.js'
import { startIdempotentWriters } from './support/idempotent-writers.js'
import { createLedgerTable, LedgerEntry, ledgerCounts } from './support/ledger.js'
import { startReaders } from './support/readers.js'
import { captureScenarioOutput, type ScenarioOutput } from './support/scenario-output.js'
import { countUnhandledRejections } from './support/unhandled-rejections.js'
import { waitUntil } from './support/wait-until.js'

const SCENARIO = 'connection-faults-terminate-backends'
const WRITERS = pick({ short: 8, full: 30 })
const READERS = pick({ short: 2, full: 5 })
const ROUNDS = pick({ short: 2, full: 10 })
const BETWEEN_ROUNDS_MS = pick({ short: 700, full: 1500 })
const MIN_POOL_SIZE = 2
const MAX_POOL_SIZE = 10

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
let db: FaultCluster

beforeAll(async () => {
  db = await startFaultCluster('terminate')
})

afterAll(async () => {
  await closeAll()
  resetSettings()
  await db?.close()
})

/** One run of traffic with ROUNDS terminations, on a fresh pool with POOL_CHECK as given. */
async function runWithTerminations(poolCheck: boolean, output: ScenarioOutput) {
  configure({
    DATABASES: {
      default: { URL: db.appUrl, MIN_POOL_SIZE, MAX_POOL_SIZE, POOL_CHECK: poolCheck, POOL_TIMEOUT: 20 },
    },
  })
  await getConnection('default').execute('DROP TABLE IF EXISTS faults_ledger')
  await createLedgerTable()
  const logsBefore = output.lines.length

  const writes = startIdempotentWriters({ writers: WRITERS, thinkMs: 3 })
  const reads = startReaders({ readers: READERS, pauseMs: 5 })
  let terminated = 0
  for (let round = 0; round < ROUNDS; round++) {
    await sleep(BETWEEN_ROUNDS_MS)
    terminated += await db.terminateAppConnections()
  }
  await sleep(BETWEEN_ROUNDS_MS)
  const written = await writes.stop()
  const read = await reads.stop()

  // connections terminated while idle (idle past POOL_CHECK's one-second grace): the pool must drop
  // them before anybody checks them out, so the writes that follow see no error
  await sleep(1200)
  const terminatedIdle = await db.terminateAppConnections()
  await sleep(200)
  const idleWrites = await Promise.allSettled(
    Array.from({ length: MAX_POOL_SIZE }, (_, seq) =>
      LedgerEntry.objects.getOrCreate({ key: `after-idle-${seq}` }, { writer: -1, seq }),
    ),
  )
  const idleWriteErrors = idleWrites.filter((outcome) => outcome.status === 'rejected').length
  idleWrites.forEach((outcome, seq) => {
    if (outcome.status === 'fulfilled') written.acknowledged.add(`after-idle-${seq}`)
  })
  const stats = poolStats('default') as Record<string, number>
  const ledger = await ledgerCounts()
  const missing = [...written.acknowledged].filter((key) => !ledger.present.has(key))
  const logs = output.lines.slice(logsBefore)
  const writeErrors = Object.values(written.errorsByType).reduce((sum, n) => sum + n, 0)
  const operations = written.attempted + written.retried + read.succeeded + read.failed
  await closeAll()
  await waitUntil(
    'no connection of the app is left on the server',
    async () => (await db.appConnections()) === 0,
    10_000,
  )
  return {
    written,
    read,
    ledger,
    missing,
    terminated,
    terminatedIdle,
    idleWriteErrors,
    figures: {
      pool_check: poolCheck,
      rounds: ROUNDS,
      backends_terminated: terminated,
      operations,
      caller_errors: writeErrors + read.failed,
      error_rate: (writeErrors + read.failed) / operations,
      writes_attempted: written.attempted,
      writes_acknowledged: written.acknowledged.size,
      writes_retried_by_callers: written.retried,
      acknowledged_missing: missing.length,
      rows: ledger.rows,
      distinct_keys: ledger.keys,
      caller_errors_by_type: written.errorsByType,
      caller_error_examples: written.errorExamples,
      reads_succeeded: read.succeeded,
      reads_failed: read.failed,
      engine_retries: read.engineRetries,
      dropped_by_pool_check: logs.filter((line) => line.includes('found by POOL_CHECK')).length,
      dropped_while_idle: logs.filter((line) => line.includes('an idle connection was lost')).length,
      idle_connections_terminated: terminatedIdle,
      writes_after_idle_termination: idleWrites.length,
      errors_after_idle_termination: idleWriteErrors,
      connections_lost: stats.connections_lost,
      connections_num: stats.connections_num,
    },
  }
}

it(
  'recovers from every pool connection being terminated, with POOL_CHECK on and off',
  async () => {
    const unhandled = countUnhandledRejections()
    const output = captureScenarioOutput()
    const runs = []
    for (const poolCheck of [true, false]) {
      const run = await runWithTerminations(poolCheck, output)
      output.note(JSON.stringify(run.figures))
      // the terminations happened and reached the pool
      expect(run.terminated).toBeGreaterThanOrEqual(ROUNDS)
      expect(run.figures.connections_lost).toBeGreaterThan(0)
      // nothing acknowledged lost or doubled
      expect(run.missing).toEqual([])
      expect(run.ledger.rows).toBe(run.ledger.keys)
      expect(run.written.acknowledged.size).toBeGreaterThan(0)
      // connections terminated while idle never reached a caller
      expect(run.terminatedIdle).toBeGreaterThan(0)
      expect(run.idleWriteErrors).toBe(0)
      // reads outside transactions never saw a terminated connection
      expect(run.read.errorsByType).toEqual({})
      expect(run.read.succeeded).toBeGreaterThan(0)
      runs.push(run.figures)
    }
    expect(unhandled.stop()).toEqual([])
    const figures = { writers: WRITERS, readers: READERS, with_pool_check: runs[0], without_pool_check: runs[1] }
    await output.save(SCENARIO)
    await recordFigures(SCENARIO, figures)
  },
  pick({ short: 120_000, full: 300_000 }),
)
