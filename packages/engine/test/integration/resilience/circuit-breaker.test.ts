import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { circuitBreaker, getState, resetCircuitBreakers } from '../../../src/contrib/circuit-breaker/index.js'
import {
  CircuitOpenError,
  configure,
  getConnection,
  OperationalError,
  onDormEvent,
  poolStats,
  type StampedDormEvent,
} from '../../../src/index.js'
import { pgUrl, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

/** Failed connection attempts counted by the pool of `alias`. */
function connectionErrors(alias: string): number {
  return Number((poolStats(alias) as Record<string, unknown>).connections_errors)
}

const describePg = testBackends().includes('postgres') ? describe : describe.skip

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describePg('a circuit breaker around a PostgreSQL alias that is down', () => {
  beforeAll(async () => {
    const port = await closedPort()
    configure({
      DATABASES: {
        default: pgUrl(),
        down: { ENGINE: 'postgresql', HOST: '127.0.0.1', PORT: port, NAME: 'postgres', USER: 'postgres' },
      },
      RETRY_ATTEMPTS: 1,
    })
  })
  afterAll(async () => {
    resetCircuitBreakers()
    await teardownOrm()
  })

  it('opens after N refused connections, then fails fast without touching the network', async () => {
    const events: StampedDormEvent[] = []
    const off = onDormEvent((e) => events.push(e))
    const breaker = circuitBreaker('down', { failureThreshold: 3, openWindowS: 60 })
    const query = () => breaker.run(() => getConnection('down').execute('SELECT 1'))
    try {
      for (let i = 0; i < 3; i++) {
        const error = await query().catch((e) => e)
        expect(error).toBeInstanceOf(OperationalError)
        expect(error.message).toContain('connection refused')
      }
      expect(getState('down')).toMatchObject({ state: 'open', failures: 3 })
      const attempts = connectionErrors('down')
      expect(attempts).toBeGreaterThanOrEqual(3)

      for (let i = 0; i < 5; i++) {
        const error = await query().catch((e) => e)
        expect(error).toBeInstanceOf(CircuitOpenError)
        expect(error.message).toMatch(/^Circuit 'down' is OPEN — 3 consecutive failures, cooldown ends in \d+\.\ds/)
      }
      // no new connection attempt while open, and the rejections were not counted
      expect(connectionErrors('down')).toBe(attempts)
      expect(getState('down').failures).toBe(3)
      expect(events.filter((e) => e.type === 'breaker_change')).toMatchObject([
        { type: 'breaker_change', name: 'down', from: 'closed', to: 'open', failures: 3 },
      ])
      // the healthy alias is unaffected
      expect((await getConnection('default').execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      off()
    }
  })

  it('closes again when the probe after the window reaches a database that is back', async () => {
    let now = 0
    const breaker = circuitBreaker('flaky', { failureThreshold: 1, openWindowS: 1, clock: () => now })
    await breaker.run(() => getConnection('down').execute('SELECT 1')).catch(() => undefined)
    expect(breaker.state).toBe('open')
    now += 1_000
    // the "same" dependency is reachable again: the probe succeeds and closes the circuit
    const { rows } = await breaker.run(() => getConnection('default').execute('SELECT 2 AS two'))
    expect(rows).toEqual([{ two: 2 }])
    expect(getState('flaky')).toEqual({ state: 'closed', failures: 0, opened_at: null })
  })
})
