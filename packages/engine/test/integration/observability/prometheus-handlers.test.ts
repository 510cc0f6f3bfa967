/**
 * contrib/prometheus: the Express and Fetch-style handlers, SQLite/libsql pool gauges, registering
 * twice, unregistering, and the messages for bad options.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { Counter, Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fetchMetricsHandler, registerDormMetrics } from '../../../src/contrib/prometheus/index.js'
import { hasDormEventListeners } from '../../../src/db/events.js'
import { poolObservers } from '../../../src/db/pool-observers.js'
import { queryObservers } from '../../../src/db/query-observers.js'
import { closeAll, configure, getConnection, ImproperlyConfigured, resetSettings } from '../../../src/index.js'
import { createTestDatabase } from '../../support/backends.js'
import { parseExposition, sample } from './exposition.js'

describe('contrib/prometheus handlers and registration', () => {
  let registry: Registry

  beforeEach(async () => {
    registry = new Registry()
    configure({
      DATABASES: {
        default: await createTestDatabase('sqlite', 'prometheus_handlers'),
        edge: await createTestDatabase('libsql', 'prometheus_handlers'),
      },
    })
  })
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('serves the registry from an Express route, with SQLite and libsql pools as pools of one', async () => {
    const metrics = registerDormMetrics({ registry, prefix: 'app_db_' })
    await getConnection().execute('SELECT 1')
    await getConnection('edge').execute('SELECT 1')
    const app = express()
    app.get('/metrics', metrics.expressHandler)
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe(registry.contentType)
      const exposition = parseExposition(await response.text())
      expect(sample(exposition, 'app_db_pool_max', { alias: 'default', vendor: 'sqlite' })).toBe(1)
      expect(sample(exposition, 'app_db_pool_in_use', { alias: 'default' })).toBe(0)
      expect(sample(exposition, 'app_db_pool_idle', { alias: 'edge', vendor: 'libsql' })).toBe(1)
      const select = { alias: 'edge', vendor: 'libsql', operation: 'SELECT' }
      expect(sample(exposition, 'app_db_query_duration_seconds_count', select)).toBe(1)
      expect(exposition.type.get('app_db_query_duration_seconds')).toBe('histogram')
    } finally {
      await new Promise((resolve) => server.close(resolve))
      metrics.unregister()
    }
  })

  it('serves a Fetch-style route handler (Next.js `export const GET = ...`)', async () => {
    const metrics = registerDormMetrics({ registry })
    await getConnection().execute('SELECT 1')
    const GET = fetchMetricsHandler(registry)
    const response = await GET(new Request('http://localhost/api/metrics'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(registry.contentType)
    const body = await response.text()
    expect(body).toContain('# TYPE dorm_query_duration_seconds histogram')
    expect(await (await metrics.fetchHandler(new Request('http://localhost/m', { method: 'HEAD' }))).text()).toBe('')
    metrics.unregister()
  })

  it('answers 500 with the reason when collecting fails', async () => {
    new Counter({
      name: 'broken_total',
      help: 'a metric whose collect throws',
      registers: [registry],
      collect() {
        throw new Error('exporter bug')
      },
    })
    const response = await fetchMetricsHandler(registry)()
    expect(response.status).toBe(500)
    expect(await response.text()).toMatch(/collecting metrics failed: exporter bug/)
  })

  it('returns the same handle when registered again, and unregister() removes every metric', async () => {
    const first = registerDormMetrics({ registry })
    expect(registerDormMetrics({ registry })).toBe(first)
    const other = registerDormMetrics({ registry, prefix: 'second_' })
    expect(other).not.toBe(first)
    first.unregister()
    first.unregister()
    other.unregister()
    expect(registry.getMetricsAsArray()).toEqual([])
    expect(queryObservers).toHaveLength(0)
    expect(poolObservers).toHaveLength(0)
    expect(hasDormEventListeners()).toBe(false)
    expect(registerDormMetrics({ registry })).not.toBe(first)
  })

  it('rejects bad options with a message saying how to fix them', () => {
    expect(() => registerDormMetrics({ registry, prefix: '9lives' })).toThrow(ImproperlyConfigured)
    expect(() => registerDormMetrics({ registry, prefix: 'a-b' })).toThrow(/metric-name prefix/)
    expect(() => registerDormMetrics({ registry, buckets: [1, 0.5] })).toThrow(/increasing positive numbers/)
    expect(() => registerDormMetrics({ registry, poolBuckets: [] })).toThrow(/poolBuckets/)
    expect(() => registerDormMetrics({ registry: {} as Registry })).toThrow(/prom-client Registry/)
    new Counter({ name: 'clash_pool_size', help: 'not dorm', registers: [registry] })
    expect(() => registerDormMetrics({ registry, prefix: 'clash_' })).toThrow(
      /already has a metric named 'clash_pool_size'/,
    )
  })
})
