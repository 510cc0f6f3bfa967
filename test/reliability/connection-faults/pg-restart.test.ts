/**
 * PostgreSQL crashes (`pg_ctl stop -m immediate`) and comes back while concurrent writers insert
 * through the ORM with idempotency keys and readers read outside transactions. Nothing acknowledged
 * may be lost or applied twice, reads must ride the outage on the engine's transient retry, the pool
 * must settle back to MIN_POOL_SIZE and report the connections it lost, and no connection or
 * rejection may be left behind.
 */
import { closeAll, configure, getConnection, poolStats, resetSettings } from '@dorm/engine'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { recordFigures } from '../../support/figures.js'
import { pick, reliabilityScale } from '../../support/scale.js'
import { type FaultCluster, startFaultCluster } from './support/fault-cluster.js'
import { startIdempotentWriters } from './support/idempotent-writers.js'
import { createLedgerTable, ledgerCounts } from './support/ledger.js'
import { startReaders } from './support/readers.js'
import { captureScenarioOutput } from './support/scenario-output.js'
import { countUnhandledRejections } from './support/unhandled-rejections.js'
import { waitUntil } from './support/wait-until.js'

const SCENARIO = 'connection-faults-pg-restart'
const WRITERS = pick({ short: 10, full: 50 })
const READERS = pick({ short: 2, full: 5 })
const KILLS = pick({ short: 1, full: 3 })
const TRAFFIC_BETWEEN_KILLS_MS = pick({ short: 1000, full: 6000 })
const MIN_POOL_SIZE = 3
const MAX_POOL_SIZE = 12
const RETRY_ATTEMPTS = 8
const RETRY_BACKOFF = 0.1

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
let db: FaultCluster

beforeAll(async () => {
  db = await startFaultCluster('pg-restart')
  configure({
    DATABASES: {
      default: { URL: db.appUrl, MIN_POOL_SIZE, MAX_POOL_SIZE, POOL_TIMEOUT: 20, MAX_IDLE: 1 },
    },
    RETRY_ATTEMPTS,
    RETRY_BACKOFF,
  })
  await createLedgerTable()
})

afterAll(async () => {
  await closeAll()
  resetSettings()
  await db?.close()
})

it(
  'loses and duplicates no acknowledged write across crashes, and leaves nothing behind',
  async () => {
    const unhandled = countUnhandledRejections()
    const output = captureScenarioOutput()
    await waitUntil(
      'the pool holds MIN_POOL_SIZE connections',
      async () => (await db.appConnections()) >= MIN_POOL_SIZE,
      10_000,
    )
    const connectionsBefore = await db.appConnections()

    const writes = startIdempotentWriters({ writers: WRITERS, thinkMs: 2 })
    const reads = startReaders({ readers: READERS, pauseMs: 5 })
    const outages: Array<{ downMs: number; outageMs: number; recoveryMs: number; openAtKill: number }> = []
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(TRAFFIC_BETWEEN_KILLS_MS)
      const atKill = getConnection('default').poolStats()
      const killedAt = performance.now()
      await db.cluster.stopServer('immediate')
      const downAt = performance.now()
      await sleep(300) // the server stays down a moment: callers meet refused connections, not only resets
      await db.cluster.startServer()
      const upAt = performance.now()
      await waitUntil(
        'a write is acknowledged after the restart',
        () => writes.firstAckSince(upAt) !== undefined,
        60_000,
      )
      const firstAck = writes.firstAckSince(upAt) as number
      outages.push({
        downMs: Math.round(downAt - killedAt),
        outageMs: Math.round(upAt - killedAt),
        recoveryMs: Math.round(firstAck - upAt),
        openAtKill: atKill.in_use + atKill.idle,
      })
      output.note(
        `kill ${kill + 1}: outage ${Math.round(upAt - killedAt)} ms, first ack ${Math.round(firstAck - upAt)} ms after restart`,
      )
    }
    await sleep(TRAFFIC_BETWEEN_KILLS_MS)
    const restartedAt = performance.now() - TRAFFIC_BETWEEN_KILLS_MS
    const written = await writes.stop()
    const read = await reads.stop()
    const stats = poolStats('default') as Record<string, number>

    // every acknowledged write is there, once
    const ledger = await ledgerCounts()
    const missing = [...written.acknowledged].filter((key) => !ledger.present.has(key))
    expect(missing).toEqual([])
    expect(ledger.rows).toBe(ledger.keys)
    expect(written.acknowledged.size).toBeGreaterThan(0)
    // the crashes did reach the callers' writes (inside getOrCreate's transaction nothing is retried).
    // Asserted at full scale (3 crashes, 50 writers): the short run's single crash can land while
    // every writer is in getOrCreate's first SELECT, which the engine retries unseen (seen once in CI)
    if (reliabilityScale() === 'full') expect(written.retried).toBeGreaterThan(0)

    // reads outside transactions rode the outage on the engine's retry
    expect(read.errorsByType).toEqual({})
    expect(read.engineRetries).toBeGreaterThan(0)
    expect(read.successTimes.some((time) => time > restartedAt)).toBe(true)

    // the pool counted every connection the crashes took, and settles back to MIN_POOL_SIZE
    const lostAtKills = outages.reduce((sum, outage) => sum + outage.openAtKill, 0)
    expect(stats.connections_lost).toBeGreaterThanOrEqual(lostAtKills)
    const settleMs = await waitUntil(
      'the pool is back to MIN_POOL_SIZE, on the server too',
      async () =>
        (poolStats('default') as { pool_size?: number }).pool_size === MIN_POOL_SIZE &&
        (await db.appConnections()) === MIN_POOL_SIZE,
      15_000,
    )

    // closing the pool leaves no connection on the server, and nothing was rejected unhandled
    await closeAll()
    await waitUntil(
      'no connection of the app is left on the server',
      async () => (await db.appConnections()) === 0,
      10_000,
    )
    const unhandledRejections = unhandled.stop()
    expect(unhandledRejections).toEqual([])

    const figures = {
      writers: WRITERS,
      readers: READERS,
      kills: KILLS,
      writes_attempted: written.attempted,
      writes_acknowledged: written.acknowledged.size,
      writes_retried_by_callers: written.retried,
      writes_abandoned: written.abandoned,
      acknowledged_missing: missing.length,
      rows: ledger.rows,
      distinct_keys: ledger.keys,
      caller_errors_by_type: written.errorsByType,
      caller_error_examples: written.errorExamples,
      reads_succeeded: read.succeeded,
      reads_failed: read.failed,
      engine_retries: read.engineRetries,
      slowest_read_ms: Math.round(read.slowestReadMs),
      outages,
      pool_settle_ms: Math.round(settleMs),
      connections_before: connectionsBefore,
      connections_after_close: await db.appConnections(),
      unhandled_rejections: unhandledRejections.length,
      pool_stats: stats,
    }
    output.note(JSON.stringify(figures))
    await output.save(SCENARIO)
    await recordFigures(SCENARIO, figures)
  },
  pick({ short: 120_000, full: 300_000 }),
)
