import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'

const pgUrl = inject('pgUrl')
const { hostname, port, pathname } = new URL(pgUrl)
const database = pathname.slice(1)

describe('pool lifecycle logging', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('logs open and close at INFO on dorm.db.pool and dorm.db.lifecycle.postgresql, without host or database', async () => {
    const logs = captureLogs({ dorm: 'INFO' })
    try {
      configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 2, MAX_POOL_SIZE: 8, POOL_TIMEOUT: 12 } } })
      await getConnection().execute('SELECT 1')
      await closeAll()
      const info = logs.records.filter((r) => r.level === 'INFO')
      const pool = info.filter((r) => r.logger === 'dorm.db.pool').map((r) => r.message)
      const lifecycle = info.filter((r) => r.logger === 'dorm.db.lifecycle.postgresql').map((r) => r.message)
      expect(pool).toContain("pool opened for alias 'default' (min=2, max=8, timeout=12s)")
      expect(pool).toContain("pool closed for alias 'default'")
      expect(lifecycle).toEqual([
        "PostgreSQL pool opened for alias 'default' (min=2, max=8, timeout=12s)",
        "PostgreSQL pool closed for alias 'default'",
      ])
      for (const record of info) {
        const text = `${record.message} ${JSON.stringify(record.data ?? {})}`
        expect(text).not.toContain(`${hostname}:${port}`)
        expect(text).not.toContain(port)
      }
      expect(logs.records.some((r) => r.level === 'DEBUG')).toBe(false)
    } finally {
      logs.stop()
    }
  })

  it('gives the database name and host at DEBUG only', async () => {
    const logs = captureLogs({ 'dorm.db.lifecycle': 'DEBUG' })
    try {
      configure({ DATABASES: { default: pgUrl } })
      getConnection()
      const debug = logs.records.find((r) => r.logger === 'dorm.db.lifecycle.postgresql' && r.level === 'DEBUG')
      expect(debug?.message).toContain(`database '${database}' on ${hostname}`)
      expect(debug?.data).toMatchObject({ host: hostname, port: Number(port), database })
    } finally {
      logs.stop()
    }
  })
})
