import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { addLogSink, type LogRecord, resetLogging, setLogLevel } from '../db/logging.js'
import { ImproperlyConfigured } from '../errors.js'
import { POOL_DEFAULTS } from './database-settings.js'
import {
  configure,
  type DormSettings,
  databaseAliases,
  getDatabaseSettings,
  getSettings,
  onSettingsChanged,
  readAfterWriteWindow,
  resetSettings,
  retryAttempts,
  retryBackoff,
  slowQueryMs,
} from './settings.js'

function errorOf(fn: () => unknown): ImproperlyConfigured {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured)
    return error as ImproperlyConfigured
  }
  throw new Error('expected ImproperlyConfigured, nothing was thrown')
}

let records: LogRecord[] = []

beforeEach(() => {
  vi.stubEnv('DORM_SLOW_QUERY_MS', undefined)
  vi.stubEnv('DORM_RETRY_ATTEMPTS', undefined)
  vi.stubEnv('DORM_RETRY_BACKOFF', undefined)
  resetSettings()
  records = []
  addLogSink((record) => records.push(record))
})
afterEach(() => {
  vi.unstubAllEnvs()
  resetSettings()
  resetLogging()
})

describe('configure / getSettings', () => {
  it('starts empty', () => {
    expect(getSettings()).toEqual({})
    expect(databaseAliases()).toEqual([])
  })

  it('merges keys across calls, later wins, DATABASES replaced whole', () => {
    configure({ DATABASES: { default: 'sqlite:///a.db', other: 'sqlite:///b.db' }, SLOW_QUERY_MS: 100 })
    configure({ DATABASES: { replica: 'sqlite:///c.db' }, RETRY_ATTEMPTS: 5 })
    configure({ SLOW_QUERY_MS: 200 })
    expect(getSettings()).toEqual({ DATABASES: { replica: 'sqlite:///c.db' }, SLOW_QUERY_MS: 200, RETRY_ATTEMPTS: 5 })
    expect(databaseAliases()).toEqual(['replica'])
  })

  it('keeps unknown UPPER_SNAKE keys for other modules', () => {
    configure({ MY_FEATURE_FLAG: true })
    expect(getSettings().MY_FEATURE_FLAG).toBe(true)
  })

  it('unsets a key passed as undefined', () => {
    configure({ SLOW_QUERY_MS: 100, RETRY_ATTEMPTS: 4 })
    configure({ SLOW_QUERY_MS: undefined })
    expect(getSettings()).toEqual({ RETRY_ATTEMPTS: 4 })
    expect(slowQueryMs()).toBe(500)
  })

  it('returns frozen settings and is not affected by later mutation of the caller object', () => {
    const databases: Record<string, string> = { default: 'sqlite:///a.db' }
    configure({ DATABASES: databases })
    databases.sneaky = 'sqlite:///b.db'
    expect(databaseAliases()).toEqual(['default'])
    expect(getSettings().DATABASES).toEqual({ default: 'sqlite:///a.db' })
    expect(Object.isFrozen(getSettings())).toBe(true)
  })

  it('rejects a wrongly cased known key', () => {
    const message = errorOf(() => configure({ databases: {} } as DormSettings)).message
    expect(message).toBe("configure() got 'databases'; setting names are UPPER_SNAKE. Rename it to DATABASES.")
  })

  it('rejects a non-object', () => {
    expect(errorOf(() => configure(null as unknown as DormSettings)).message).toContain(
      'configure() must be given an object of settings, got null',
    )
  })
})

describe('configure: validation', () => {
  it.each([
    ['RETRY_ATTEMPTS', 0, 'RETRY_ATTEMPTS must be an integer >= 1, got 0', 'use 1 to disable retries'],
    ['RETRY_ATTEMPTS', 2.5, 'RETRY_ATTEMPTS must be an integer >= 1, got 2.5', 'use 1 to disable retries'],
    ['RETRY_ATTEMPTS', '3', "RETRY_ATTEMPTS must be an integer >= 1, got '3'", 'use 1 to disable retries'],
    ['RETRY_BACKOFF', -0.1, 'RETRY_BACKOFF must be a number of seconds >= 0, got -0.1', '0.1 (the default)'],
    ['RETRY_BACKOFF', Number.NaN, 'RETRY_BACKOFF must be a number of seconds >= 0, got NaN', '0.1 (the default)'],
    ['SLOW_QUERY_MS', -1, 'SLOW_QUERY_MS must be a number of milliseconds >= 0 or null, got -1', 'null to disable'],
    [
      'SLOW_QUERY_MS',
      'fast',
      "SLOW_QUERY_MS must be a number of milliseconds >= 0 or null, got 'fast'",
      'null to disable',
    ],
    [
      'READ_AFTER_WRITE_WINDOW',
      -3,
      'READ_AFTER_WRITE_WINDOW must be a number of seconds >= 0 or null, got -3',
      'null to disable',
    ],
    ['QUERY_COUNT_WARN', 1.5, 'QUERY_COUNT_WARN must be an integer >= 0 or null, got 1.5', 'inert'],
    ['DATABASE_ROUTERS', {}, 'DATABASE_ROUTERS must be an array of routers, got {}', 'DATABASE_ROUTERS: ['],
    ['INSTALLED_APPS', 'src/app', "INSTALLED_APPS must be an array of folder paths, got 'src/app'", "['src/library']"],
    ['STORAGES', [], 'STORAGES must be an object of storage backends by alias, got []', 'STORAGES: {'],
    [
      'DATABASES',
      'postgres://h/db',
      "DATABASES must be an object mapping aliases to database URLs or settings, got 'postgres://h/db'",
      'default:',
    ],
  ])('%s = %j', (key, value, message, fix) => {
    const error = errorOf(() => configure({ [key]: value }))
    expect(error.message).toContain(message)
    expect(error.message).toContain(fix)
  })

  it('accepts the edge values: SLOW_QUERY_MS 0 and null, RETRY_ATTEMPTS 1, RETRY_BACKOFF 0', () => {
    configure({
      SLOW_QUERY_MS: 0,
      RETRY_ATTEMPTS: 1,
      RETRY_BACKOFF: 0,
      READ_AFTER_WRITE_WINDOW: null,
      QUERY_COUNT_WARN: null,
    })
    expect([slowQueryMs(), retryAttempts(), retryBackoff(), readAfterWriteWindow()]).toEqual([0, 1, 0, null])
    configure({ SLOW_QUERY_MS: null })
    expect(slowQueryMs()).toBeNull()
  })

  it('validates every DATABASES entry eagerly and leaves the previous settings untouched on error', () => {
    configure({ DATABASES: { default: 'sqlite:///a.db' }, SLOW_QUERY_MS: 100 })
    const heard: string[][] = []
    onSettingsChanged((keys) => heard.push(keys))
    const error = errorOf(() =>
      configure({
        DATABASES: { default: 'sqlite:///b.db', replica: { ENGINE: 'postgresql', MAX_POOL_SIZE: 0 } },
        SLOW_QUERY_MS: 5,
      }),
    )
    expect(error.message).toContain("DATABASES['replica'].MAX_POOL_SIZE must be a positive integer, got 0")
    expect(getSettings()).toEqual({ DATABASES: { default: 'sqlite:///a.db' }, SLOW_QUERY_MS: 100 })
    expect(getDatabaseSettings('default').NAME).toBe('a.db')
    expect(slowQueryMs()).toBe(100)
    expect(heard).toEqual([])
  })

  it('leaves the previous settings untouched when a scalar is invalid', () => {
    configure({ RETRY_ATTEMPTS: 4 })
    errorOf(() => configure({ RETRY_ATTEMPTS: 0, DATABASES: { default: 'sqlite://' } }))
    expect(getSettings()).toEqual({ RETRY_ATTEMPTS: 4 })
    expect(databaseAliases()).toEqual([])
  })
})

describe('getDatabaseSettings / databaseAliases', () => {
  it('resolves each alias once per configure and freezes the result', () => {
    configure({
      DATABASES: {
        default: 'postgres://u:pw@db:5432/app',
        replica: { URL: 'postgres://u:pw@replica:5432/app', MAX_POOL_SIZE: 30 },
        local: { ENGINE: 'sqlite', NAME: ':memory:' },
      },
    })
    expect(databaseAliases()).toEqual(['default', 'replica', 'local'])
    const first = getDatabaseSettings('replica')
    expect(first).toEqual({
      ENGINE: 'postgresql',
      NAME: 'app',
      USER: 'u',
      PASSWORD: 'pw',
      HOST: 'replica',
      PORT: 5432,
      ...POOL_DEFAULTS,
      MAX_POOL_SIZE: 30,
      OPTIONS: {},
    })
    expect(getDatabaseSettings('replica')).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first.OPTIONS)).toBe(true)
    configure({ SLOW_QUERY_MS: 1 })
    expect(getDatabaseSettings('replica')).toBe(first)
    configure({ DATABASES: { replica: 'postgres://u:pw@replica:5432/app' } })
    expect(getDatabaseSettings('replica')).not.toBe(first)
    expect(getDatabaseSettings('replica').MAX_POOL_SIZE).toBe(10)
  })

  it('names the configured aliases and the fix for an unknown alias', () => {
    configure({ DATABASES: { default: 'sqlite://', replica: 'sqlite://' } })
    const message = errorOf(() => getDatabaseSettings('nope')).message
    expect(message).toMatch(/^Database alias 'nope' not found in DATABASES configuration\. /)
    expect(message).toContain("Configured aliases: 'default', 'replica'.")
    expect(message).toContain("Add DATABASES['nope'] to configure()")
  })

  it('says how to configure when there are no DATABASES', () => {
    const message = errorOf(() => getDatabaseSettings('default')).message
    expect(message).toContain("configure({ DATABASES: { default: 'postgres://...' } })")
    configure({ DATABASES: {} })
    expect(errorOf(() => getDatabaseSettings('default')).message).toContain(
      "configure({ DATABASES: { default: 'postgres://...' } })",
    )
  })

  it('drops the databases when DATABASES is set to undefined', () => {
    configure({ DATABASES: { default: 'sqlite://' } })
    configure({ DATABASES: undefined })
    expect(databaseAliases()).toEqual([])
  })

  it('never logs a password, even at DEBUG', () => {
    setLogLevel('dorm', 'DEBUG')
    configure({
      DATABASES: { default: 'postgres://u:hunter2@db/app', other: { ENGINE: 'postgresql', PASSWORD: 'hunter3' } },
    })
    expect(records.length).toBeGreaterThan(0)
    expect(JSON.stringify(records)).not.toMatch(/hunter[23]/)
  })
})

describe('onSettingsChanged', () => {
  it('hears the changed keys; an unchanged value or identical DATABASES is not a change', () => {
    const heard: string[][] = []
    const stop = onSettingsChanged((keys) => heard.push(keys))
    configure({ DATABASES: { default: 'sqlite:///a.db' }, SLOW_QUERY_MS: 100 })
    configure({ DATABASES: { default: { ENGINE: 'sqlite', NAME: 'a.db' } }, SLOW_QUERY_MS: 100, RETRY_ATTEMPTS: 2 })
    configure({ DATABASES: { default: 'sqlite:///b.db' } })
    configure({ SLOW_QUERY_MS: 100 })
    configure({ INSTALLED_APPS: ['src/a'] })
    stop()
    configure({ SLOW_QUERY_MS: 1 })
    expect(heard).toEqual([['DATABASES', 'SLOW_QUERY_MS'], ['RETRY_ATTEMPTS'], ['DATABASES'], ['INSTALLED_APPS']])
  })

  it('hears every previous key on resetSettings', () => {
    configure({ DATABASES: { default: 'sqlite://' }, RETRY_BACKOFF: 1 })
    const heard: string[][] = []
    onSettingsChanged((keys) => heard.push(keys))
    resetSettings()
    resetSettings()
    expect(heard).toEqual([['DATABASES', 'RETRY_BACKOFF']])
    expect(getSettings()).toEqual({})
    expect(databaseAliases()).toEqual([])
  })

  it('logs a listener that throws or rejects and still applies the change to everyone', async () => {
    const heard: string[][] = []
    const stopA = onSettingsChanged(() => {
      throw new Error('boom')
    })
    const stopB = onSettingsChanged(() => Promise.reject(new Error('async boom')))
    const stopC = onSettingsChanged((keys) => heard.push(keys))
    configure({ RETRY_ATTEMPTS: 2 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(retryAttempts()).toBe(2)
    expect(heard).toEqual([['RETRY_ATTEMPTS']])
    const errors = records.filter((record) => record.level === 'ERROR')
    expect(errors.map((record) => (record.error as Error).message).sort()).toEqual(['async boom', 'boom'])
    stopA()
    stopB()
    stopC()
  })

  it('lets a listener unsubscribe itself and the same function subscribe twice', () => {
    const calls: string[] = []
    const stop = onSettingsChanged(() => {
      calls.push('once')
      stop()
    })
    const twice = () => calls.push('twice')
    const stopTwiceA = onSettingsChanged(twice)
    const stopTwiceB = onSettingsChanged(twice)
    configure({ RETRY_ATTEMPTS: 2 })
    stopTwiceA()
    configure({ RETRY_ATTEMPTS: 3 })
    stopTwiceB()
    configure({ RETRY_ATTEMPTS: 4 })
    expect(calls).toEqual(['once', 'twice', 'twice', 'twice'])
  })
})

describe.each([
  {
    getter: slowQueryMs,
    key: 'SLOW_QUERY_MS',
    env: 'DORM_SLOW_QUERY_MS',
    fallback: 500,
    explicit: 200,
    fromEnv: '300',
    envValue: 300,
  },
  {
    getter: retryAttempts,
    key: 'RETRY_ATTEMPTS',
    env: 'DORM_RETRY_ATTEMPTS',
    fallback: 3,
    explicit: 5,
    fromEnv: '7',
    envValue: 7,
  },
  {
    getter: retryBackoff,
    key: 'RETRY_BACKOFF',
    env: 'DORM_RETRY_BACKOFF',
    fallback: 0.1,
    explicit: 0.25,
    fromEnv: '0.5',
    envValue: 0.5,
  },
])('$key resolution', ({ getter, key, env, fallback, explicit, fromEnv, envValue }) => {
  it('defaults', () => {
    expect(getter()).toBe(fallback)
  })

  it('reads the env var when not configured', () => {
    vi.stubEnv(env, fromEnv)
    expect(getter()).toBe(envValue)
  })

  it('prefers the explicit setting over the env var', () => {
    vi.stubEnv(env, fromEnv)
    configure({ [key]: explicit })
    expect(getter()).toBe(explicit)
  })

  it.each(['not-a-number', '', '-1', 'Infinity'])('falls through to the default on env %j', (raw) => {
    vi.stubEnv(env, raw)
    expect(getter()).toBe(fallback)
  })

  it('reads the env once, until configure() or resetSettings()', () => {
    vi.stubEnv(env, fromEnv)
    expect(getter()).toBe(envValue)
    vi.stubEnv(env, '42')
    expect(getter()).toBe(envValue)
    configure({ UNRELATED: 1 })
    expect(getter()).toBe(42)
    vi.stubEnv(env, '43')
    expect(getter()).toBe(42)
    resetSettings()
    expect(getter()).toBe(43)
  })

  it('goes back to env / default when the setting is removed', () => {
    configure({ [key]: explicit })
    expect(getter()).toBe(explicit)
    vi.stubEnv(env, fromEnv)
    configure({ [key]: undefined })
    expect(getter()).toBe(envValue)
  })
})

describe('env parsing details', () => {
  it('DORM_RETRY_ATTEMPTS must be an integer >= 1', () => {
    for (const raw of ['0', '2.5', 'three']) {
      vi.stubEnv('DORM_RETRY_ATTEMPTS', raw)
      resetSettings()
      expect(retryAttempts()).toBe(3)
    }
  })

  it('DORM_SLOW_QUERY_MS accepts 0 and decimals', () => {
    vi.stubEnv('DORM_SLOW_QUERY_MS', '0')
    expect(slowQueryMs()).toBe(0)
    vi.stubEnv('DORM_SLOW_QUERY_MS', '12.5')
    resetSettings()
    expect(slowQueryMs()).toBe(12.5)
  })

  it('warns about an unparseable env value, naming it and the fix', () => {
    vi.stubEnv('DORM_SLOW_QUERY_MS', 'slow')
    expect(slowQueryMs()).toBe(500)
    const warning = records.find((record) => record.level === 'WARNING')
    expect(warning?.logger).toBe('dorm.conf')
    expect(warning?.message).toContain('DORM_SLOW_QUERY_MS="slow" is not a number of milliseconds >= 0')
    expect(warning?.message).toContain('Fix or unset DORM_SLOW_QUERY_MS')
  })
})

describe('readAfterWriteWindow', () => {
  it('defaults to 3 and follows configure', () => {
    expect(readAfterWriteWindow()).toBe(3)
    configure({ READ_AFTER_WRITE_WINDOW: 0.5 })
    expect(readAfterWriteWindow()).toBe(0.5)
    configure({ READ_AFTER_WRITE_WINDOW: null })
    expect(readAfterWriteWindow()).toBeNull()
    resetSettings()
    expect(readAfterWriteWindow()).toBe(3)
  })
})
