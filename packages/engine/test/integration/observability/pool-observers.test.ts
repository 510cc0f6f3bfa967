import { afterEach, describe, expect, it } from 'vitest'
import { addPoolObserver, closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { databaseUrlFor, testBackends } from '../../support/backends.js'

describe.each(testBackends())('pool observers on %s', (backend) => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('report every checkout and release of the alias, with wait and use times', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'pool_observers') } })
    const seen: string[] = []
    const remove = addPoolObserver({
      checkout: (e) => seen.push(`checkout ${e.alias} ${e.wait_ms >= 0}`),
      release: (e) => seen.push(`release ${e.alias} ${e.use_ms >= 0}`),
    })
    try {
      await getConnection().execute('SELECT 1')
      await getConnection().execute('SELECT 2')
    } finally {
      remove()
    }
    await getConnection().execute('SELECT 3')
    expect(seen).toEqual([
      'checkout default true',
      'release default true',
      'checkout default true',
      'release default true',
    ])
  })
})
