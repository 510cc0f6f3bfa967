import { afterEach, describe, expect, it } from 'vitest'
import { atomic, closeAll, configure, healthCheck, resetSettings } from '../../src/index.js'
import { databaseUrlFor, testBackends } from '../support/backends.js'

describe.each(testBackends())('healthCheck on %s', (backend) => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('reports ok with the alias and elapsed_ms', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'health') } })
    const report = await healthCheck()
    expect(Object.keys(report).sort()).toEqual(['alias', 'elapsed_ms', 'status'])
    expect(report).toMatchObject({ status: 'ok', alias: 'default' })
    expect(typeof report.elapsed_ms).toBe('number')
  })

  it('adds the pool report when deep', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'health-deep') } })
    const report = await healthCheck({ deep: true })
    expect(report.pool).toMatchObject({ alias: 'default', has_pool: backend === 'postgres' })
  })

  it('returns an error report for an unknown alias instead of throwing', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'health-alias') } })
    const report = await healthCheck({ alias: 'nope' })
    expect(report.status).toBe('error')
    expect(report.error).toMatch(/^ImproperlyConfigured: Database alias 'nope' not found in DATABASES configuration\./)
  })

  it('times out after timeoutMs when no connection can be had', async () => {
    const settings =
      backend === 'postgres'
        ? { URL: databaseUrlFor(backend, 'x'), MAX_POOL_SIZE: 1, MIN_POOL_SIZE: 0 }
        : databaseUrlFor(backend, 'health-busy')
    configure({ DATABASES: { default: settings } })
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const tx = atomic(() => held)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const report = await healthCheck({ timeoutMs: 200 })
    release()
    await tx
    expect(report.status).toBe('error')
    expect(report.error).toMatch(/^OperationalError: health check timed out after 200 ms/)
    expect(report.elapsed_ms).toBeGreaterThanOrEqual(190)
    expect(report.elapsed_ms).toBeLessThan(1000)
  })
})
