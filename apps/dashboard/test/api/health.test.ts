/** `GET /api/v1/health` when the store cannot be reached: 503, naming no host or user. */
import { afterAll, describe, expect, it } from 'vitest'
import { GET } from '../../app/api/v1/health/route'
import { closeDatabase } from '../../lib/db'

describe('health without a store', () => {
  afterAll(async () => {
    delete process.env.DASHBOARD_DATABASE_URL
    await closeDatabase()
  })

  it('answers 503 with status error', async () => {
    await closeDatabase()
    // port 9 (discard) on loopback: nothing listens, the connection is refused at once
    process.env.DASHBOARD_DATABASE_URL = 'postgres://secret_user@127.0.0.1:9/dashboard'
    const response = await GET()
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body).toMatchObject({ status: 'error', database: 'error' })
    expect(body.error).not.toMatch(/secret_user|127\.0\.0\.1/)
  })
})
