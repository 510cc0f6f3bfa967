/**
 * The network between the app and PostgreSQL stalls (a proxy on loopback stops carrying bytes
 * without closing anything) and heals. POOL_TIMEOUT must fire as configured with its message, a
 * query budget must bound the request, and a circuit breaker must open on the failures, reject
 * calls fast without touching the network while open, and close again through its HALF_OPEN probe
 * once the network forwards again.
 */
import {
  budget,
  closeAll,
  configure,
  type DormEvent,
  getConnection,
  OperationalError,
  onDormEvent,
  PoolTimeout,
  resetSettings,
} from '@dorm/engine'
import { CircuitBreaker, CircuitOpenError } from '@dorm/engine/contrib/circuit-breaker'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { recordFigures } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { type FaultCluster, startFaultCluster } from './support/fault-cluster.js'
import { captureScenarioOutput, type ScenarioOutput } from './support/scenario-output.js'
import { type StallProxy, startStallProxy } from './support/stall-proxy.js'
import { countUnhandledRejections, type UnhandledRejectionCounter } from './support/unhandled-rejections.js'
import { waitUntil } from './support/wait-until.js'

const SCENARIO = 'connection-faults-network-stall'
const POOL_TIMEOUT_S = 1
const POOL_TIMEOUTS = pick({ short: 2, full: 10 })
const BUDGET_MS = 200

let db: FaultCluster
let proxy: StallProxy
let output: ScenarioOutput
let unhandled: UnhandledRejectionCounter
const figures: Record<string, unknown> = {}

/** The app URL through the proxy, with extra query parameters. */
function proxiedUrl(params: Record<string, string> = {}): string {
  const url = new URL(db.appUrl)
  url.port = String(proxy.port)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.toString()
}

/** Settles `promise`, or says it was still pending after `ms`. */
async function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value?: T; error?: unknown; pending?: true }> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<{ pending: true }>((resolve) => {
    timer = setTimeout(() => resolve({ pending: true }), ms)
  })
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      guard,
    ])
  } finally {
    clearTimeout(timer)
  }
}

beforeAll(async () => {
  db = await startFaultCluster('stall')
  proxy = await startStallProxy('127.0.0.1', db.cluster.port)
  unhandled = countUnhandledRejections()
  output = captureScenarioOutput()
  configure({
    DATABASES: {
      saturate: { URL: proxiedUrl(), MIN_POOL_SIZE: 2, MAX_POOL_SIZE: 2, POOL_TIMEOUT: POOL_TIMEOUT_S },
      budget: { URL: proxiedUrl(), MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 2, POOL_TIMEOUT: 5 },
      breaker: {
        URL: proxiedUrl({ query_timeout: '500' }),
        MIN_POOL_SIZE: 1,
        MAX_POOL_SIZE: 4,
        POOL_TIMEOUT: POOL_TIMEOUT_S,
      },
    },
    RETRY_ATTEMPTS: 2,
    RETRY_BACKOFF: 0.05,
  })
})

afterEach(() => {
  proxy.resume()
})

afterAll(async () => {
  proxy.resume()
  await closeAll()
  resetSettings()
  // the connections given up during the stalls were closed too, not left open on the server
  let leftOnServer = -1
  await waitUntil(
    'no connection of the app is left on the server',
    async () => {
      leftOnServer = await db.appConnections()
      return leftOnServer === 0
    },
    10_000,
  ).catch(() => undefined)
  figures.connections_left_after_close = leftOnServer
  const unhandledRejections = unhandled.stop()
  figures.unhandled_rejections = unhandledRejections.length
  await output.save(SCENARIO)
  await recordFigures(SCENARIO, figures)
  await proxy?.close()
  await db?.close()
  expect(leftOnServer).toBe(0)
  expect(unhandledRejections).toEqual([])
})

describe('a stalled network', () => {
  it('fails a checkout that waits on a saturated pool with PoolTimeout after POOL_TIMEOUT', async () => {
    const connection = getConnection('saturate')
    // both connections busy at once, then idle for a moment only: handed out again without a
    // POOL_CHECK ping, so the statements below reach the stalled sockets
    await waitUntil('the pool holds MIN_POOL_SIZE connections', () => connection.poolStats().idle === 2, 5_000)
    await Promise.all([connection.execute('SELECT pg_sleep(0.05)'), connection.execute('SELECT pg_sleep(0.05)')])
    proxy.stall()
    const held = [connection.execute('SELECT 1 AS held'), connection.execute('SELECT 2 AS held')]
    // settled below once the network heals; never left to reject unobserved if an assertion fails first
    for (const statement of held) statement.catch(() => undefined)
    expect(connection.poolStats().in_use).toBe(2)

    const elapsed: number[] = []
    for (let i = 0; i < POOL_TIMEOUTS; i++) {
      const start = performance.now()
      const outcome = await settleWithin(connection.execute('SELECT 3'), POOL_TIMEOUT_S * 10_000)
      elapsed.push(performance.now() - start)
      expect(outcome.pending).toBeUndefined()
      expect(outcome.error).toBeInstanceOf(PoolTimeout)
      const message = (outcome.error as PoolTimeout).message
      expect(message).toContain(`POOL_TIMEOUT=${POOL_TIMEOUT_S}s`)
      expect(message).toContain('2 of MAX_POOL_SIZE=2 connections are in use')
      expect(elapsed[i]).toBeGreaterThanOrEqual(POOL_TIMEOUT_S * 1000 - 2)
      if (i === 0) output.note(`PoolTimeout: ${message}`)
    }

    // the stalled statements were only delayed: they complete once the network heals
    proxy.resume()
    const results = await Promise.all(held)
    expect(results.map((result) => result.rows[0]?.held)).toEqual([1, 2])
    expect((await connection.execute('SELECT 4 AS n')).rows[0]?.n).toBe(4)
    figures.pool_timeout = {
      configured_ms: POOL_TIMEOUT_S * 1000,
      timeouts: elapsed.length,
      min_ms: Math.round(Math.min(...elapsed)),
      max_ms: Math.round(Math.max(...elapsed)),
      mean_ms: Math.round(elapsed.reduce((sum, ms) => sum + ms, 0) / elapsed.length),
    }
  })

  it('cancels a statement that runs past its budget (server-side statement_timeout)', async () => {
    const start = performance.now()
    const error = await budget({ timeoutMs: BUDGET_MS, using: 'budget' }, () =>
      getConnection('budget').execute('SELECT pg_sleep(5)'),
    ).catch((err: unknown) => err)
    const elapsed = performance.now() - start
    expect(error).toBeInstanceOf(OperationalError)
    expect((error as OperationalError).vendorCode).toBe('57014')
    expect((error as OperationalError).message).toContain(`active budget timeout_ms=${BUDGET_MS}`)
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS)
    figures.budget_slow_statement = { budget_ms: BUDGET_MS, fired_after_ms: Math.round(elapsed) }
  })

  it('bounds a request under a budget when the network stalls', async () => {
    const connection = getConnection('budget')
    await connection.execute('SELECT 1')
    const exceeded: DormEvent[] = []
    const off = onDormEvent((event) => {
      if (event.type === 'budget_exceeded') exceeded.push(event)
    })
    proxy.stall()
    const start = performance.now()
    const request = budget({ timeoutMs: BUDGET_MS, using: 'budget' }, () => connection.execute('SELECT 1 AS n'))
    request.catch(() => undefined)
    const outcome = await settleWithin(request, BUDGET_MS + 10_000)
    const elapsed = performance.now() - start
    off()
    figures.budget_stalled_network = {
      budget_ms: BUDGET_MS,
      settled: outcome.pending !== true,
      after_ms: Math.round(elapsed),
      error: outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : null,
    }
    expect(outcome.pending).toBeUndefined()
    expect(outcome.error).toBeInstanceOf(OperationalError)
    expect((outcome.error as OperationalError).message).toContain(`budget timeout_ms=${BUDGET_MS}`)
    expect(exceeded).toMatchObject([
      { type: 'budget_exceeded', alias: 'budget', limit: 'timeout_ms', budget: BUDGET_MS },
    ])
    // the request was bounded by the budget, not by the proxy or TCP giving up
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS)
    proxy.resume()
    expect((await connection.execute('SELECT 2 AS n')).rows[0]?.n).toBe(2)
  })

  it('opens a circuit breaker on the failures, rejects fast while open, and closes through the HALF_OPEN probe', async () => {
    const OPEN_WINDOW_S = 1
    const breaker = new CircuitBreaker('stall', {
      failureThreshold: 3,
      openWindowS: OPEN_WINDOW_S,
      isFailure: (err) => err instanceof OperationalError || err instanceof PoolTimeout,
    })
    const changes: string[] = []
    const off = onDormEvent((event: DormEvent) => {
      if (event.type === 'breaker_change' && event.name === 'stall') changes.push(`${event.from}->${event.to}`)
    })
    let reachedDatabase = 0
    const call = () =>
      breaker.run(() => {
        reachedDatabase++
        return getConnection('breaker').execute('SELECT 1 AS n')
      })
    try {
      expect((await call()).rows[0]?.n).toBe(1)
      proxy.stall()
      const stalledAt = performance.now()
      const failures: string[] = []
      while (breaker.state !== 'open') {
        const error = await call().then(
          () => undefined,
          (err: unknown) => err,
        )
        expect(error).toBeInstanceOf(Error)
        failures.push((error as Error).name)
        expect(failures.length).toBeLessThanOrEqual(3)
      }
      const openedAt = performance.now()

      // open: calls fail at once, without reaching the database
      const reachedBefore = reachedDatabase
      let rejected = 0
      let slowestRejectionMs = 0
      while (performance.now() - openedAt < OPEN_WINDOW_S * 1000 * 0.8) {
        const start = performance.now()
        const error = await call().then(
          () => undefined,
          (err: unknown) => err,
        )
        slowestRejectionMs = Math.max(slowestRejectionMs, performance.now() - start)
        expect(error).toBeInstanceOf(CircuitOpenError)
        rejected++
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      expect(reachedDatabase).toBe(reachedBefore)
      expect(rejected).toBeGreaterThan(0)

      // the window passes while the network is still stalled: the probe fails, the circuit opens again
      await waitUntil('the circuit is half-open', () => breaker.state === 'half_open', OPEN_WINDOW_S * 3000)
      const probeError = await call().then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(probeError).toBeInstanceOf(OperationalError)
      expect(breaker.state).toBe('open')

      // the network heals: the next probe succeeds and closes the circuit
      proxy.resume()
      const resumedAt = performance.now()
      await waitUntil('the circuit is half-open again', () => breaker.state === 'half_open', OPEN_WINDOW_S * 3000)
      expect((await call()).rows[0]?.n).toBe(1)
      const closedAt = performance.now()
      expect(breaker.state).toBe('closed')
      expect(changes).toEqual([
        'closed->open',
        'open->half_open',
        'half_open->open',
        'open->half_open',
        'half_open->closed',
      ])
      figures.circuit_breaker = {
        failure_threshold: 3,
        open_window_s: OPEN_WINDOW_S,
        failures_to_open: failures,
        stall_to_open_ms: Math.round(openedAt - stalledAt),
        rejected_while_open: rejected,
        slowest_rejection_ms: Number(slowestRejectionMs.toFixed(3)),
        resume_to_closed_ms: Math.round(closedAt - resumedAt),
        transitions: changes,
      }
    } finally {
      off()
    }
  })
})
