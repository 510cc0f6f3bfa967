import { afterEach, describe, expect, it, vi } from 'vitest'
import { POOL_DEFAULTS } from '../../conf/database-settings.js'

afterEach(() => {
  vi.doUnmock('better-sqlite3')
  vi.resetModules()
})

describe('createSqliteBackend without better-sqlite3', () => {
  it('says how to install the driver on first checkout, and gives the gate back', async () => {
    vi.resetModules()
    vi.doMock('better-sqlite3', () => {
      throw new Error("Cannot find package 'better-sqlite3'")
    })
    const { createSqliteBackend } = await import('./sqlite-backend.js')
    // a fresh module graph has its own error classes
    const { ImproperlyConfigured } = await import('../../errors.js')
    const backend = createSqliteBackend('default', {
      ...POOL_DEFAULTS,
      ENGINE: 'sqlite',
      NAME: ':memory:',
      OPTIONS: {},
    })
    const err = await backend.acquire().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    expect((err as Error).message).toContain('npm install better-sqlite3@12')
    // the gate was given back, so a later attempt (after installing) can try again
    expect(backend.compactPoolStats()).toMatchObject({ in_use: 0, size: 0 })
  })
})
