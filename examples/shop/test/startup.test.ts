/** The server never migrates by itself, unless told to; the seed is idempotent. */
import { afterAll, describe, expect, inject, it } from 'vitest'
import { getJson } from './support/http.js'
import { type RunningShop, runDorm, runNode, sqliteEnv, startShop } from './support/shop-process.js'

describe('starting the shop', () => {
  const started: RunningShop[] = []
  afterAll(async () => {
    for (const shop of started) await shop.stop('SIGKILL')
  })

  it('refuses to start while migrations are pending, saying what to run', async () => {
    const env = await sqliteEnv(inject('sqliteDir'))
    await expect(startShop(env)).rejects.toThrow(
      /6 migration\(s\) not applied: shop\.0001_initial.*npx dorm migrate.*SHOP_MIGRATE_ON_START=1/s,
    )
    const seed = await runNode('seed.ts', env)
    expect(seed.code).toBe(1)
    expect(seed.stderr).toContain('npx dorm migrate')
  })

  it('applies the migrations itself with SHOP_MIGRATE_ON_START=1', async () => {
    const env = await sqliteEnv(inject('sqliteDir'), { SHOP_MIGRATE_ON_START: '1' })
    const shop = await startShop(env)
    started.push(shop)
    expect((await getJson(`${shop.url}/healthz`)).status).toBe(200)
    const shown = await runDorm(['showmigrations'], env)
    expect(shown.stdout).toContain('[X] 0006_order_total_required')
    expect(shown.stdout).not.toContain('[ ]')
    // Ctrl-C stops it as cleanly as SIGTERM
    expect(await shop.stop('SIGINT')).toBe(0)
    expect(shop.stderr()).toContain('"message":"SIGINT: stopping"')
  })

  it('seeds once and then only says so, one line each time', async () => {
    const env = await sqliteEnv(inject('sqliteDir'))
    expect((await runDorm(['migrate'], env)).code).toBe(0)
    const first = await runNode('seed.ts', env)
    expect(first.code, first.stderr).toBe(0)
    const second = await runNode('seed.ts', env)
    expect(second.code, second.stderr).toBe(0)
    expect(first.stdout.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(first.stdout)).toMatchObject({ event: 'seed', created: true, customers: 20, products: 32 })
    expect(JSON.parse(second.stdout)).toEqual({ event: 'seed', created: false, customers: 20 })
  })

  it('refuses a bad PORT with a message naming it', async () => {
    const env = await sqliteEnv(inject('sqliteDir'), { SHOP_MIGRATE_ON_START: '1', PORT: 'eighty' })
    await expect(startShop(env)).rejects.toThrow(/PORT="eighty" is not a port number/)
  })
})
