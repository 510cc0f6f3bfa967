import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { backendPids, uniqueAppName, waitFor } from '../../support/pg-admin.js'

const pgUrl = inject('pgUrl')

describe('MIN_POOL_SIZE and MAX_IDLE', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('opens MIN_POOL_SIZE connections and keeps them open', async () => {
    const app = uniqueAppName('min')
    configure({
      DATABASES: {
        default: { URL: pgUrl, MIN_POOL_SIZE: 3, MAX_POOL_SIZE: 6, MAX_IDLE: 0.2, OPTIONS: { application_name: app } },
      },
    })
    getConnection()
    await waitFor(async () => (await backendPids(pgUrl, app)).length === 3)
    expect(getConnection().poolStats()).toMatchObject({ size: 3, idle: 3, in_use: 0 })
    // idle past MAX_IDLE, yet never below the minimum
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await backendPids(pgUrl, app)).toHaveLength(3)
  })

  it('closes surplus connections idle longer than MAX_IDLE, down to MIN_POOL_SIZE', async () => {
    const app = uniqueAppName('idle')
    configure({
      DATABASES: {
        default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 5, MAX_IDLE: 0.3, OPTIONS: { application_name: app } },
      },
    })
    const db = getConnection()
    await Promise.all([1, 2, 3, 4].map(() => db.execute('SELECT pg_sleep(0.1)')))
    expect(db.poolStats().size).toBe(4)
    await waitFor(() => db.poolStats().size === 1, 3000)
    await waitFor(async () => (await backendPids(pgUrl, app)).length === 1, 3000)
  })
})
