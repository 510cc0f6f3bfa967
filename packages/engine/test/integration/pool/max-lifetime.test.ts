import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'

const pgUrl = inject('pgUrl')

describe('MAX_LIFETIME', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('replaces a connection older than MAX_LIFETIME', async () => {
    configure({
      DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 1, MAX_LIFETIME: 0.5, MAX_IDLE: 600 } },
    })
    const db = getConnection()
    const pid = async () => (await db.execute('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number
    const first = await pid()
    expect(await pid()).toBe(first)
    await new Promise((resolve) => setTimeout(resolve, 700))
    const later = await pid()
    expect(later).not.toBe(first)
    expect(await pid()).toBe(later)
  })
})
