/**
 * driveTraffic against a real server: answers across the endpoints, no server errors, and on
 * PostgreSQL a burst that saturates the pool of 4, where requests waiting longer than POOL_TIMEOUT
 * (3 s) get 503 PoolTimeout: the only 5xx the run may see, by design.
 */
import { afterAll, describe, expect, inject, it } from 'vitest'
import { driveTraffic, type TrafficStats } from '../traffic.js'
import {
  migrateAndSeed,
  postgresEnv,
  type RunningShop,
  type ShopTestEnv,
  sqliteEnv,
  startShop,
} from './support/shop-process.js'

const CORE_ENDPOINTS = ['GET /products', 'GET /products/:id', 'POST /orders', 'GET /orders/:id']

function twoHundreds(stats: TrafficStats, endpoint: string): number {
  return Object.entries(stats.byEndpoint[endpoint] ?? {})
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0)
}

function serverErrors(stats: TrafficStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.byStatus).filter(([status]) => status.startsWith('5')))
}

describe('driveTraffic', () => {
  const shops: RunningShop[] = []
  const start = async (env: ShopTestEnv) => {
    await migrateAndSeed(env)
    const shop = await startShop(env)
    shops.push(shop)
    return shop
  }
  afterAll(async () => {
    for (const shop of shops) await shop.stop('SIGKILL')
  })

  it('gets 2xx across the endpoints and no 5xx on SQLite', async () => {
    const shop = await start(await sqliteEnv(inject('sqliteDir')))
    const stats = await driveTraffic({ baseUrl: shop.url, durationMs: 5000, concurrency: 3 })
    for (const endpoint of CORE_ENDPOINTS) expect(twoHundreds(stats, endpoint), endpoint).toBeGreaterThan(0)
    expect(serverErrors(stats)).toEqual({})
    expect(stats.errors).toBe(0)
    expect(stats.byEndpoint['GET /nope']?.['200']).toBeUndefined()
    expect(stats.requests).toBeGreaterThan(CORE_ENDPOINTS.length)
  })

  it.runIf(inject('pgUrl') !== '')(
    'saturates the PostgreSQL pool with a burst: 503 PoolTimeout is the only 5xx',
    async () => {
      const shop = await start(await postgresEnv(inject('pgUrl'), inject('sqliteDir')))
      const warnings: string[] = []
      const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`)
      process.on('warning', onWarning)
      // a caller's long-lived signal, as the soak's driver passes: the 12 holds in flight at once
      // must not read as a listener leak on it
      const caller = new AbortController()
      const stats = await driveTraffic({
        baseUrl: shop.url,
        durationMs: 9000,
        concurrency: 4,
        burst: true,
        signal: caller.signal,
      }).finally(() => process.off('warning', onWarning))
      expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([])
      for (const endpoint of CORE_ENDPOINTS) expect(twoHundreds(stats, endpoint), endpoint).toBeGreaterThan(0)
      const holds = stats.byEndpoint['GET /reports/hold'] ?? {}
      // 12 holds of 2 s on 4 connections: the third wave waits 4 s > POOL_TIMEOUT
      expect(holds['200']).toBeGreaterThan(0)
      expect(holds['503']).toBeGreaterThan(0)
      expect(Object.keys(serverErrors(stats))).toEqual(['503'])
      // a request's own checkout times out (PoolTimeout), or a probe queued behind the holds gives up
      // after its 2 s and reports not-ready: both are the saturation the burst is for
      for (const sample of stats.errorSamples) {
        expect(sample).toMatch(/ 503: \{"error":"PoolTimeout: |^GET \/healthz 503: \{"status":"error",.*timed out/)
      }
      expect(stats.errors).toBe(0)
      const metrics = await (await fetch(`${shop.url}/metrics`)).text()
      expect(metrics).toMatch(/^dorm_pool_timeouts_total\{alias="default"\} [1-9]/m)
    },
  )

  it('refuses bad options with a message', async () => {
    await expect(driveTraffic({ baseUrl: 'http://127.0.0.1:9', concurrency: 0 })).rejects.toThrow(
      /concurrency must be a positive number/,
    )
    await expect(driveTraffic({ baseUrl: 'not a url' })).rejects.toThrow(/Invalid URL/)
  })
})
