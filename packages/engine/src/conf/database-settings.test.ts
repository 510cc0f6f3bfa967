import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addLogSink, type LogRecord, resetLogging } from '../db/logging.js'
import { ImproperlyConfigured } from '../errors.js'
import { type DatabaseEntry, POOL_DEFAULTS, resolveDatabaseSettings } from './database-settings.js'

function errorOf(fn: () => unknown): ImproperlyConfigured {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured)
    return error as ImproperlyConfigured
  }
  throw new Error('expected ImproperlyConfigured, nothing was thrown')
}

const resolve = (entry: unknown, alias = 'default') => resolveDatabaseSettings(alias, entry as DatabaseEntry)
const pg = (extra: Record<string, unknown>) => resolve({ ENGINE: 'postgresql', NAME: 'app', ...extra })

let records: LogRecord[] = []
beforeEach(() => {
  records = []
  addLogSink((record) => records.push(record))
})
afterEach(() => resetLogging())

describe('POOL_DEFAULTS', () => {
  it('matches the seed table', () => {
    expect(POOL_DEFAULTS).toEqual({
      MIN_POOL_SIZE: 1,
      MAX_POOL_SIZE: 10,
      POOL_TIMEOUT: 30,
      POOL_CHECK: true,
      PREPARE_THRESHOLD: 5,
      MAX_IDLE: 600,
      MAX_LIFETIME: 3600,
    })
    expect(Object.isFrozen(POOL_DEFAULTS)).toBe(true)
  })
})

describe('resolveDatabaseSettings', () => {
  it('parses a URL string and fills the defaults', () => {
    expect(resolve('postgres://u:pw@db:6543/app?sslmode=require')).toEqual({
      ENGINE: 'postgresql',
      NAME: 'app',
      USER: 'u',
      PASSWORD: 'pw',
      HOST: 'db',
      PORT: 6543,
      ...POOL_DEFAULTS,
      OPTIONS: { sslmode: 'require' },
    })
  })

  it('lets the overrides of { URL, ...overrides } win, merging OPTIONS', () => {
    const settings = resolve({
      URL: 'postgres://u:pw@replica/app?MAX_POOL_SIZE=5&sslmode=require&application_name=a',
      MAX_POOL_SIZE: 30,
      HOST: 'replica-2',
      OPTIONS: { application_name: 'b' },
    })
    expect(settings).toMatchObject({ HOST: 'replica-2', MAX_POOL_SIZE: 30, USER: 'u', PASSWORD: 'pw' })
    expect(settings.OPTIONS).toEqual({ sslmode: 'require', application_name: 'b' })
  })

  it('does not let an undefined override erase a URL value', () => {
    expect(resolve({ URL: 'postgres://u:pw@h/app', PASSWORD: undefined }).PASSWORD).toBe('pw')
  })

  it('takes a settings object as is and does not touch the caller object', () => {
    const entry = { ENGINE: 'sqlite', NAME: 'db.sqlite3', OPTIONS: { journal_mode: 'WAL' } }
    const settings = resolve(entry)
    expect(settings).toEqual({
      ENGINE: 'sqlite',
      NAME: 'db.sqlite3',
      ...POOL_DEFAULTS,
      OPTIONS: { journal_mode: 'WAL' },
    })
    expect(settings.OPTIONS).not.toBe(entry.OPTIONS)
  })

  it('accepts postgres and any case as ENGINE', () => {
    expect(resolve({ ENGINE: 'postgres', NAME: 'x' }).ENGINE).toBe('postgresql')
    expect(resolve({ ENGINE: 'PostgreSQL', NAME: 'x' }).ENGINE).toBe('postgresql')
    expect(resolve({ ENGINE: 'LibSQL' }).ENGINE).toBe('libsql')
  })

  it('allows PostgreSQL without NAME (driver default) and defaults libsql NAME to :memory:', () => {
    expect(resolve({ ENGINE: 'postgresql' }).NAME).toBe('')
    expect(resolve('postgres://db').NAME).toBe('')
    expect(resolve({ ENGINE: 'libsql', SYNC_URL: 'libsql://x.turso.io', AUTH_TOKEN: 't' }).NAME).toBe(':memory:')
  })

  it('keeps explicit values: PREPARE_THRESHOLD null and 0, MIN_POOL_SIZE 0, POOL_CHECK false', () => {
    expect(pg({ PREPARE_THRESHOLD: null }).PREPARE_THRESHOLD).toBeNull()
    expect(pg({ PREPARE_THRESHOLD: 0 }).PREPARE_THRESHOLD).toBe(0)
    expect(pg({ MIN_POOL_SIZE: 0 }).MIN_POOL_SIZE).toBe(0)
    expect(pg({ POOL_CHECK: false }).POOL_CHECK).toBe(false)
    expect(pg({ MIN_POOL_SIZE: 4, MAX_POOL_SIZE: 4 })).toMatchObject({ MIN_POOL_SIZE: 4, MAX_POOL_SIZE: 4 })
  })

  it('ignores an unset URL when ENGINE is given', () => {
    expect(resolve({ URL: undefined, ENGINE: 'sqlite', NAME: 'x.db' }).NAME).toBe('x.db')
  })

  it('warns about unknown keys with a suggestion and ignores them', () => {
    const settings = resolve({ ENGINE: 'sqlite', NAME: 'x.db', MAX_POOLSIZE: 3, pool_timeout: 1 })
    expect(settings).not.toHaveProperty('MAX_POOLSIZE')
    const messages = records.map((record) => record.message)
    expect(messages).toContain(
      "DATABASES['default'] has an unknown key 'MAX_POOLSIZE'; it is ignored. Did you mean MAX_POOL_SIZE?",
    )
    expect(messages).toContain(
      "DATABASES['default'] has an unknown key 'pool_timeout'; it is ignored. Did you mean POOL_TIMEOUT?",
    )
  })
})

describe('resolveDatabaseSettings: errors name the alias, the key, the value and the fix', () => {
  it('gives the exact MAX_POOL_SIZE message of the brief', () => {
    expect(errorOf(() => pg({ MAX_POOL_SIZE: -1 })).message).toBe(
      "DATABASES['default'].MAX_POOL_SIZE must be a positive integer, got -1. " +
        'Set it to at least 1 (rule of thumb: vCPU x 2 per process).',
    )
  })

  it.each([
    ['MAX_POOL_SIZE', 0, 'got 0', 'at least 1'],
    ['MAX_POOL_SIZE', 2.5, 'got 2.5', 'at least 1'],
    ['MAX_POOL_SIZE', '30', "got '30' (a string; write the number 30 without quotes)", 'at least 1'],
    ['MAX_POOL_SIZE', Number.NaN, 'got NaN', 'at least 1'],
    ['MIN_POOL_SIZE', -1, 'got -1', 'idle connections'],
    ['MIN_POOL_SIZE', 1.5, 'got 1.5', 'idle connections'],
    ['POOL_TIMEOUT', 0, 'got 0', 'PoolTimeout'],
    ['POOL_TIMEOUT', -5, 'got -5', 'PoolTimeout'],
    ['POOL_TIMEOUT', Number.POSITIVE_INFINITY, 'got Infinity', 'PoolTimeout'],
    ['POOL_CHECK', 'yes', "got 'yes'", 'true to run SELECT 1'],
    ['PREPARE_THRESHOLD', -1, 'got -1', 'null to never prepare'],
    ['PREPARE_THRESHOLD', 1.5, 'got 1.5', 'null to never prepare'],
    ['PREPARE_THRESHOLD', 'none', "got 'none'", 'null to never prepare'],
    ['MAX_IDLE', -1, 'got -1', 'default 600'],
    ['MAX_LIFETIME', -0.5, 'got -0.5', 'default 3600'],
    ['MAX_LIFETIME', '3600', "got '3600' (a string", 'default 3600'],
    ['PORT', 0, 'got 0', '5432'],
    ['PORT', 70000, 'got 70000', '5432'],
    ['PORT', 5432.5, 'got 5432.5', '5432'],
    ['PORT', '5432', "got '5432' (a string", '5432'],
    ['HOST', 42, 'got 42', 'Set HOST to a string'],
    ['OPTIONS', 'sslmode=require', "got 'sslmode=require'", "OPTIONS: { sslmode: 'require' }"],
    ['OPTIONS', [1], 'got [1]', "OPTIONS: { sslmode: 'require' }"],
  ])('%s = %j', (key, value, shown, fix) => {
    const error = errorOf(() => pg({ [key]: value }))
    expect(error.message).toContain(`DATABASES['default'].${key} must be`)
    expect(error.message).toContain(shown)
    expect(error.message).toContain(fix)
  })

  it('names the alias it was given', () => {
    expect(errorOf(() => resolve({ ENGINE: 'postgresql', MAX_POOL_SIZE: 0 }, 'replica')).message).toMatch(
      /^DATABASES\['replica'\]\.MAX_POOL_SIZE/,
    )
  })

  it('checks the URL knobs too', () => {
    expect(errorOf(() => resolve('postgres://h/db?MAX_POOL_SIZE=0')).message).toContain(
      "DATABASES['default'].MAX_POOL_SIZE must be a positive integer, got 0.",
    )
  })

  it('reports MIN > MAX with both values', () => {
    const error = errorOf(() => pg({ MIN_POOL_SIZE: 20, MAX_POOL_SIZE: 10 }))
    expect(error.message).toBe(
      "DATABASES['default'].MIN_POOL_SIZE (20) is greater than MAX_POOL_SIZE (10). " +
        'Lower MIN_POOL_SIZE or raise MAX_POOL_SIZE so that MIN_POOL_SIZE <= MAX_POOL_SIZE.',
    )
    expect(errorOf(() => pg({ MIN_POOL_SIZE: 11 })).message).toContain('MAX_POOL_SIZE (10, the default)')
  })

  it('hides a mistyped PASSWORD or AUTH_TOKEN value', () => {
    const password = errorOf(() => pg({ PASSWORD: 123456 })).message
    expect(password).toContain("DATABASES['default'].PASSWORD must be a string, got a number (value hidden)")
    expect(password).not.toContain('123456')
    const token = errorOf(() => resolve({ ENGINE: 'libsql', AUTH_TOKEN: { secret: 'abc' } })).message
    expect(token).toContain('AUTH_TOKEN must be a string, got an object (value hidden)')
    expect(token).not.toContain('abc')
  })

  it('reports a missing ENGINE with the supported ones and the URL alternative', () => {
    const message = errorOf(() => resolve({ NAME: 'x' })).message
    expect(message).toContain("DATABASES['default'].ENGINE is missing")
    expect(message).toContain('postgresql, sqlite, libsql')
    expect(message).toContain('postgres://user:password@localhost:5432/mydb')
  })

  it('reports an unknown ENGINE with its value and the supported ones', () => {
    const message = errorOf(() => resolve({ ENGINE: 'mysql', NAME: 'x' })).message
    expect(message).toBe(
      "DATABASES['default'].ENGINE 'mysql' is not supported. " +
        'Set ENGINE to one of postgresql, sqlite, libsql (postgres is accepted for postgresql).',
    )
    expect(errorOf(() => resolve({ ENGINE: 5 })).message).toContain('ENGINE must be one of postgresql')
  })

  it('requires NAME for sqlite', () => {
    for (const entry of [{ ENGINE: 'sqlite' }, { ENGINE: 'sqlite', NAME: '' }]) {
      const message = errorOf(() => resolve(entry)).message
      expect(message).toContain("DATABASES['default'].NAME is required for ENGINE 'sqlite'")
      expect(message).toContain("':memory:'")
    }
  })

  it('explains an unset URL', () => {
    const message = errorOf(() => resolve({ URL: undefined, MAX_POOL_SIZE: 30 }, 'replica')).message
    expect(message).toContain("DATABASES['replica'].URL must be a database URL string, got undefined")
    expect(message).toContain('environment variable')
  })

  it('prefixes URL errors with the alias and keeps the cause', () => {
    const error = errorOf(() => resolve('oracle://db', 'legacy'))
    expect(error.message).toBe(
      "DATABASES['legacy']: Unrecognised database URL scheme 'oracle'. Supported: postgres, postgresql, sqlite, " +
        'libsql, libsql+https, libsql+http, libsql+ws, libsql+wss.',
    )
    expect(error.cause).toBeInstanceOf(ImproperlyConfigured)
  })

  it.each([undefined, null, 42, ['postgres://h/db']])('rejects an entry that is %j', (entry) => {
    const message = errorOf(() => resolve(entry)).message
    expect(message).toContain("DATABASES['default'] must be a database URL string or a settings object")
  })
})
