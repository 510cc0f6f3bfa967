import { afterEach, describe, expect, it } from 'vitest'
import { resolveDatabaseSettings } from '../conf/database-settings.js'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkPoolSettings } from './pool-settings-check.js'

const PG = 'postgres://app@localhost:5432/app'

describe('checkPoolSettings', () => {
  afterEach(() => resetSettings())

  it('is quiet for the defaults and for SQLite', () => {
    configure({ DATABASES: { default: PG, local: 'sqlite:///db.sqlite3' } })
    expect(checkPoolSettings(doctorContext({}))).toEqual([])
  })

  it('warns on a small pool and a long timeout, and notes POOL_CHECK off', () => {
    configure({
      DATABASES: {
        default: { URL: PG, MAX_POOL_SIZE: 2, MIN_POOL_SIZE: 1, POOL_TIMEOUT: 90, POOL_CHECK: false },
        tiny: { ENGINE: 'sqlite', NAME: ':memory:', MAX_POOL_SIZE: 1 },
      },
    })
    expect(checkPoolSettings(doctorContext({}))).toEqual([
      {
        level: 'warning',
        code: 'DORM-D001',
        alias: 'default',
        message:
          "DATABASES['default']: MAX_POOL_SIZE=2 is small for production; raise to 10–20 unless this is a " +
          'worker-per-process layout.',
      },
      {
        level: 'warning',
        code: 'DORM-D003',
        alias: 'default',
        message:
          "DATABASES['default']: POOL_TIMEOUT=90s is long; callers will appear stuck on saturation. Aim for 5–30s.",
      },
      expect.objectContaining({ level: 'note', code: 'DORM-D004', alias: 'default' }),
    ])
  })

  it('warns on MIN_POOL_SIZE > MAX_POOL_SIZE in hand-built settings (configure() refuses them)', () => {
    const db = { ...resolveDatabaseSettings('default', PG), MIN_POOL_SIZE: 8, MAX_POOL_SIZE: 6 }
    const findings = checkPoolSettings({ databases: new Map([['default', db]]), settings: {}, env: {}, models: [] })
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'DORM-D002',
        message: expect.stringContaining('MIN_POOL_SIZE (8) > MAX_POOL_SIZE (6) — the pool will refuse to open'),
      }),
    ])
  })
})
