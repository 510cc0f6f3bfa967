/**
 * SQLite mode's replica is a file of its own, refreshed on a timer: reads routed to it really lag
 * (with a long interval they stay stale), a request's own writes are read back from the primary
 * (the sticky window), and with a short interval the replica catches up.
 */
import { afterAll, describe, expect, inject, it } from 'vitest'
import { eventually, getJson, postJson } from './support/http.js'
import { migrateAndSeed, type RunningShop, sqliteEnv, startShop } from './support/shop-process.js'

const stockOf = async (url: string, id: number) =>
  (await getJson<{ stock: number }>(`${url}/products/${id}`)).body.stock

describe('the SQLite replica', () => {
  const shops: RunningShop[] = []
  afterAll(async () => {
    for (const shop of shops) await shop.stop('SIGKILL')
  })

  it('serves reads from its own, older copy until the next refresh', async () => {
    // one copy at boot, then no refresh during the test
    const env = await sqliteEnv(inject('sqliteDir'), { SHOP_REPLICATION_INTERVAL_MS: '600000' })
    await migrateAndSeed(env)
    const shop = await startShop(env)
    shops.push(shop)
    const before = await stockOf(shop.url, 11)
    const order = await postJson<{ id: number }>(`${shop.url}/orders`, {
      customer_id: 1,
      lines: [{ product_id: 11, quantity: 4 }],
    })
    expect(order.status).toBe(201)
    // another request reads through the router: the replica has not seen the order
    expect(await stockOf(shop.url, 11)).toBe(before)
    const health = await getJson<{ replication: { copies: number; lag_ms: number } }>(`${shop.url}/healthz`)
    expect(health.body.replication.copies).toBe(1)
    // the order itself is found (on the primary, after a miss on the replica)
    expect((await getJson(`${shop.url}/orders/${order.body.id}`)).status).toBe(200)
  })

  it('catches up within a few intervals', async () => {
    const env = await sqliteEnv(inject('sqliteDir'), { SHOP_REPLICATION_INTERVAL_MS: '200' })
    await migrateAndSeed(env)
    const shop = await startShop(env)
    shops.push(shop)
    const before = await stockOf(shop.url, 12)
    const order = await postJson(`${shop.url}/orders`, { customer_id: 1, lines: [{ product_id: 12, quantity: 5 }] })
    expect(order.status).toBe(201)
    await eventually(async () => (await stockOf(shop.url, 12)) === before - 5, 10_000, 'the replica to catch up')
    // the copy is visible a moment before the refresh has cleaned up and counted it
    const replication = async () =>
      (await getJson<{ replication: { copies: number; failures: number } }>(`${shop.url}/healthz`)).body.replication
    await eventually(async () => (await replication()).copies > 1, 10_000, 'the copy to be counted')
    expect((await replication()).failures).toBe(0)
  })
})
