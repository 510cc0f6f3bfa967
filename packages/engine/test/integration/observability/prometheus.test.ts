/**
 * contrib/prometheus against a real PostgreSQL pool, scraped over HTTP: a burst of slow statements
 * larger than the pool shows waiting checkouts while it runs and timeouts after it, in prom-client's
 * text exposition format.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type DormMetrics, registerDormMetrics } from '../../../src/contrib/prometheus/index.js'
import { closeAll, configure, getConnection, PoolTimeout, resetSettings } from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'
import { type Exposition, parseExposition, sample } from './exposition.js'

const pgUrl = inject('pgUrl')

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
}

/** A loopback port nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('contrib/prometheus on postgres, scraped over HTTP', () => {
  // slow-query, pool-exhaustion, timeout and retry warnings are what this test provokes
  const logs = captureLogs({ 'dorm.db': 'ERROR', 'dorm.db.pool': 'ERROR', 'dorm.db.backends.postgresql': 'ERROR' })
  const registry = new Registry()
  let metrics: DormMetrics
  let server: Server
  let url: string

  async function scrape(): Promise<Exposition> {
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(registry.contentType)
    return parseExposition(await response.text())
  }

  beforeAll(async () => {
    const down = new URL(pgUrl)
    down.port = String(await closedPort())
    configure({
      DATABASES: {
        default: { URL: pgUrl, MIN_POOL_SIZE: 0, MAX_POOL_SIZE: 2, POOL_TIMEOUT: 0.8 },
        down: { URL: down.toString(), MIN_POOL_SIZE: 0, POOL_TIMEOUT: 2 },
      },
      SLOW_QUERY_MS: 200,
      RETRY_ATTEMPTS: 2,
      RETRY_BACKOFF: 0.01,
    })
    metrics = registerDormMetrics({ registry })
    server = createServer(metrics.metricsHandler)
    url = await listen(server)
  })
  afterAll(async () => {
    metrics.unregister()
    await new Promise((resolve) => server.close(resolve))
    await closeAll()
    resetSettings()
    logs.stop()
  })

  it('shows waiting checkouts during a burst larger than the pool, and timeouts after it', async () => {
    const burst = Array.from({ length: 8 }, () =>
      getConnection()
        .execute('SELECT pg_sleep(0.3)')
        .then(
          () => 'ok',
          (e: unknown) => (e instanceof PoolTimeout ? 'timeout' : e),
        ),
    )
    await new Promise((resolve) => setTimeout(resolve, 150))
    const during = await scrape()
    expect(sample(during, 'dorm_pool_waiting', { alias: 'default' })).toBeGreaterThan(0)
    expect(sample(during, 'dorm_pool_in_use', { alias: 'default', vendor: 'postgresql' })).toBe(2)
    expect(sample(during, 'dorm_pool_max', { alias: 'default' })).toBe(2)

    const outcomes = await Promise.all(burst)
    const timedOut = outcomes.filter((o) => o === 'timeout').length
    expect(timedOut).toBeGreaterThan(0)
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'timeout')).toEqual([])

    const after = await scrape()
    expect(sample(after, 'dorm_pool_timeouts_total', { alias: 'default' })).toBe(timedOut)
    expect(sample(after, 'dorm_pool_waiting', { alias: 'default' })).toBe(0)
    expect(sample(after, 'dorm_pool_checkouts_total', { alias: 'default' })).toBe(8 - timedOut)
    expect(sample(after, 'dorm_pool_wait_seconds_count', { alias: 'default' })).toBe(8 - timedOut)
    // the second pair of statements waited for the first pair (0.3 s): past the 0.25 s bucket
    expect(sample(after, 'dorm_pool_wait_seconds_bucket', { alias: 'default', le: '0.25' })).toBeLessThan(8 - timedOut)
    const select = { alias: 'default', vendor: 'postgresql', operation: 'SELECT' }
    expect(sample(after, 'dorm_query_duration_seconds_count', select)).toBe(8 - timedOut)
    expect(sample(after, 'dorm_query_duration_seconds_sum', select)).toBeGreaterThan(0.3 * (8 - timedOut) * 0.9)
    expect(sample(after, 'dorm_slow_queries_total', { alias: 'default', vendor: 'postgresql' })).toBe(8 - timedOut)

    for (const name of [
      'dorm_pool_size',
      'dorm_pool_in_use',
      'dorm_pool_idle',
      'dorm_pool_waiting',
      'dorm_pool_max',
      'dorm_pool_checkouts_total',
      'dorm_pool_timeouts_total',
      'dorm_pool_wait_seconds',
      'dorm_pool_use_seconds',
      'dorm_query_duration_seconds',
      'dorm_query_errors_total',
      'dorm_slow_queries_total',
      'dorm_retries_total',
    ]) {
      expect(after.help.get(name), `HELP of ${name}`).toMatch(/\w/)
      expect(after.type.get(name), `TYPE of ${name}`).toMatch(/^(gauge|counter|histogram)$/)
    }
    expect(after.type.get('dorm_pool_waiting')).toBe('gauge')
    expect(after.type.get('dorm_pool_timeouts_total')).toBe('counter')
    expect(after.type.get('dorm_pool_wait_seconds')).toBe('histogram')
    // an alias never used has no pool series (and scraping did not open one)
    expect(after.samples.some((s) => s.labels.alias === 'down')).toBe(false)
  })

  it('counts failed statements by operation and error class, and retries of transient errors', async () => {
    await expect(getConnection().execute('SELECT * FROM "no_such_table_prom"')).rejects.toThrow()
    await expect(getConnection('down').execute('SELECT 1')).rejects.toThrow()
    const exposition = await scrape()
    expect(
      sample(exposition, 'dorm_query_errors_total', {
        alias: 'default',
        vendor: 'postgresql',
        operation: 'SELECT',
        error: 'ProgrammingError',
      }),
    ).toBe(1)
    expect(sample(exposition, 'dorm_retries_total', { alias: 'down', vendor: 'postgresql' })).toBe(1)
    // labels never carry SQL
    expect(exposition.samples.some((s) => Object.values(s.labels).some((v) => v.includes('no_such_table')))).toBe(false)
  })
})
