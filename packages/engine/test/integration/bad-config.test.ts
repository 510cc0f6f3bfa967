import { afterEach, describe, expect, inject, it } from 'vitest'
import { closeAll, configure, getConnection, ImproperlyConfigured, resetSettings } from '../../src/index.js'

const pgUrl = inject('pgUrl')

describe('bad configuration gives ImproperlyConfigured naming the key and the fix', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  const expectImproperly = (fn: () => unknown, ...patterns: RegExp[]) => {
    let caught: unknown
    try {
      fn()
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ImproperlyConfigured)
    for (const pattern of patterns) expect((caught as Error).message).toMatch(pattern)
  }

  it('an unknown alias', () => {
    configure({ DATABASES: { default: pgUrl } })
    expectImproperly(() => getConnection('replica'), /'replica'/, /default/)
  })

  it('an unknown ENGINE', () => {
    expectImproperly(
      () => configure({ DATABASES: { default: { ENGINE: 'oracle', NAME: 'x' } } }),
      /ENGINE/,
      /postgresql/,
    )
  })

  it('a malformed URL', () => {
    expectImproperly(() => configure({ DATABASES: { default: 'not a url' } }), /default/)
    expectImproperly(() => configure({ DATABASES: { default: 'oracle://u@h/db' } }), /oracle/, /Supported/)
  })

  it('a negative pool size', () => {
    expectImproperly(
      () => configure({ DATABASES: { default: { URL: pgUrl, MAX_POOL_SIZE: -1 } } }),
      /MAX_POOL_SIZE/,
      /-1/,
    )
    expectImproperly(() => configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: -2 } } }), /MIN_POOL_SIZE/)
  })

  it('MIN_POOL_SIZE greater than MAX_POOL_SIZE', () => {
    expectImproperly(
      () => configure({ DATABASES: { default: { URL: pgUrl, MIN_POOL_SIZE: 20, MAX_POOL_SIZE: 10 } } }),
      /MIN_POOL_SIZE/,
      /MAX_POOL_SIZE/,
      /20/,
      /10/,
    )
  })

  it('keeps the previous settings after a rejected configure()', async () => {
    configure({ DATABASES: { default: pgUrl } })
    expect(() => configure({ DATABASES: { default: { URL: pgUrl, MAX_POOL_SIZE: 0 } } })).toThrow(ImproperlyConfigured)
    await expect(getConnection().execute('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] })
  })

  it('an unknown PostgreSQL OPTIONS key', () => {
    configure({ DATABASES: { default: { URL: pgUrl, OPTIONS: { sslmod: 'require' } } } })
    expectImproperly(() => getConnection(), /OPTIONS\.sslmod/, /sslmode/)
  })
})
