import { describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../errors.js'
import { maskUrlPassword, parseDatabaseUrl } from './database-url.js'

function errorOf(fn: () => unknown): ImproperlyConfigured {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured)
    return error as ImproperlyConfigured
  }
  throw new Error('expected ImproperlyConfigured, nothing was thrown')
}

describe('parseDatabaseUrl: postgres', () => {
  it('parses the seed example exactly', () => {
    expect(
      parseDatabaseUrl(
        'postgres://u:p%40ss@db.internal:6543/app?sslmode=require&MAX_POOL_SIZE=30&pool_check=false&application_name=x',
      ),
    ).toEqual({
      ENGINE: 'postgresql',
      NAME: 'app',
      USER: 'u',
      PASSWORD: 'p@ss',
      HOST: 'db.internal',
      PORT: 6543,
      MAX_POOL_SIZE: 30,
      POOL_CHECK: false,
      OPTIONS: { sslmode: 'require', application_name: 'x' },
    })
  })

  it('accepts postgresql:// and any case of the scheme', () => {
    expect(parseDatabaseUrl('postgresql://u@h/db')).toEqual({
      ENGINE: 'postgresql',
      NAME: 'db',
      USER: 'u',
      HOST: 'h',
      PORT: 5432,
    })
    expect(parseDatabaseUrl('PostgreSQL://h/db').ENGINE).toBe('postgresql')
  })

  it('defaults PORT to 5432 and omits what the URL does not give', () => {
    expect(parseDatabaseUrl('postgres://localhost')).toEqual({ ENGINE: 'postgresql', HOST: 'localhost', PORT: 5432 })
    expect(parseDatabaseUrl('postgres://')).toEqual({ ENGINE: 'postgresql', PORT: 5432 })
  })

  it('percent-decodes user, password and database name', () => {
    const settings = parseDatabaseUrl('postgres://us%65r:p%2Fw%3Ard@h:5432/my%20db')
    expect(settings.USER).toBe('user')
    expect(settings.PASSWORD).toBe('p/w:rd')
    expect(settings.NAME).toBe('my db')
  })

  it('decodes multi-byte escapes and keeps a stray % as typed', () => {
    expect(parseDatabaseUrl('postgres://u:%C3%A9t%C3%A9@h/db').PASSWORD).toBe('été')
    expect(parseDatabaseUrl('postgres://u:100%25@h/db').PASSWORD).toBe('100%')
    expect(parseDatabaseUrl('postgres://u:50%off%21@h/db').PASSWORD).toBe('50%off!')
  })

  it('keeps a password holding raw @ and / whole (the last @ ends the userinfo)', () => {
    const settings = parseDatabaseUrl('postgres://u:p@ss/w@db:5433/app')
    expect(settings).toMatchObject({ USER: 'u', PASSWORD: 'p@ss/w', HOST: 'db', PORT: 5433, NAME: 'app' })
  })

  it('keeps a password made only of a colon-separated value', () => {
    expect(parseDatabaseUrl('postgres://u:a:b@h/db').PASSWORD).toBe('a:b')
  })

  it('omits an empty user or password', () => {
    const settings = parseDatabaseUrl('postgres://:@h/db')
    expect(settings).not.toHaveProperty('USER')
    expect(settings).not.toHaveProperty('PASSWORD')
    expect(parseDatabaseUrl('postgres://u:@h/db')).not.toHaveProperty('PASSWORD')
  })

  it('strips the brackets of an IPv6 host', () => {
    expect(parseDatabaseUrl('postgres://u:pw@[::1]:5433/db')).toMatchObject({ HOST: '::1', PORT: 5433 })
    expect(parseDatabaseUrl('postgres://[::1]/db')).toMatchObject({ HOST: '::1', PORT: 5432 })
    expect(parseDatabaseUrl('postgres://[2001:db8::7]/db').HOST).toBe('2001:db8::7')
  })

  it('takes a unix socket dir from ?host= (over the authority) or a percent-encoded host', () => {
    expect(parseDatabaseUrl('postgres://u@/app?host=/tmp/sock')).toEqual({
      ENGINE: 'postgresql',
      NAME: 'app',
      USER: 'u',
      HOST: '/tmp/sock',
      PORT: 5432,
    })
    expect(parseDatabaseUrl('postgres:///app?host=%2Frun%2Fpostgresql').HOST).toBe('/run/postgresql')
    expect(parseDatabaseUrl('postgres://ignored/app?HOST=/tmp/sock').HOST).toBe('/tmp/sock')
    expect(parseDatabaseUrl('postgres://%2Ftmp%2Fsock/app').HOST).toBe('/tmp/sock')
  })

  it('lifts every knob with its type', () => {
    expect(
      parseDatabaseUrl(
        'postgres://h/db?MIN_POOL_SIZE=2&MAX_POOL_SIZE=20&POOL_TIMEOUT=7.5&POOL_CHECK=true' +
          '&PREPARE_THRESHOLD=0&MAX_IDLE=60&MAX_LIFETIME=1800.25',
      ),
    ).toEqual({
      ENGINE: 'postgresql',
      NAME: 'db',
      HOST: 'h',
      PORT: 5432,
      MIN_POOL_SIZE: 2,
      MAX_POOL_SIZE: 20,
      POOL_TIMEOUT: 7.5,
      POOL_CHECK: true,
      PREPARE_THRESHOLD: 0,
      MAX_IDLE: 60,
      MAX_LIFETIME: 1800.25,
    })
  })

  it('matches knob names case-insensitively', () => {
    expect(parseDatabaseUrl('postgres://h/db?max_pool_size=3&Pool_Timeout=2&prepare_threshold=9')).toMatchObject({
      MAX_POOL_SIZE: 3,
      POOL_TIMEOUT: 2,
      PREPARE_THRESHOLD: 9,
    })
  })

  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['on', true],
    ['0', false],
    ['False', false],
    ['no', false],
    ['OFF', false],
  ])('reads POOL_CHECK=%s as %s', (raw, expected) => {
    expect(parseDatabaseUrl(`postgres://h/db?pool_check=${raw}`).POOL_CHECK).toBe(expected)
  })

  it('reads PREPARE_THRESHOLD none/null as null', () => {
    expect(parseDatabaseUrl('postgres://h/db?PREPARE_THRESHOLD=none').PREPARE_THRESHOLD).toBeNull()
    expect(parseDatabaseUrl('postgres://h/db?prepare_threshold=NULL').PREPARE_THRESHOLD).toBeNull()
  })

  it('leaves range checks to resolveDatabaseSettings (a negative int still parses)', () => {
    expect(parseDatabaseUrl('postgres://h/db?MAX_POOL_SIZE=-1').MAX_POOL_SIZE).toBe(-1)
  })

  it.each([
    ['MAX_POOL_SIZE', 'abc', 'an integer'],
    ['MIN_POOL_SIZE', '2.5', 'an integer'],
    ['PREPARE_THRESHOLD', 'sometimes', "an integer or 'none'"],
    ['POOL_TIMEOUT', 'soon', 'a number of seconds'],
    ['MAX_IDLE', '', 'a number of seconds'],
    ['MAX_LIFETIME', 'Infinity', 'a number of seconds'],
    ['POOL_CHECK', 'maybe', 'one of 1/true/yes/on or 0/false/no/off'],
  ])('rejects %s=%s naming the knob and the value', (knob, raw, expected) => {
    const error = errorOf(() => parseDatabaseUrl(`postgres://u:secret@h/db?${knob}=${raw}`))
    expect(error.message).toContain(`${knob} must be ${expected}, got '${raw}'`)
    expect(error.message).toContain(`?${knob}=`)
    expect(error.message).not.toContain('secret')
  })

  it('shows the spelling the user used for a knob that does not parse', () => {
    const error = errorOf(() => parseDatabaseUrl('postgres://h/db?max_pool_size=ten'))
    expect(error.message).toContain("max_pool_size (MAX_POOL_SIZE) must be an integer, got 'ten'")
  })

  it('passes every other parameter to OPTIONS as a string, decoded', () => {
    expect(
      parseDatabaseUrl('postgres://h/db?sslmode=verify-full&application_name=my%20app&connect_timeout=10').OPTIONS,
    ).toEqual({ sslmode: 'verify-full', application_name: 'my app', connect_timeout: '10' })
  })

  it('keeps the first occurrence of a repeated parameter', () => {
    const settings = parseDatabaseUrl('postgres://h/db?sslmode=require&sslmode=disable&MAX_POOL_SIZE=4&max_pool_size=9')
    expect(settings.OPTIONS).toEqual({ sslmode: 'require' })
    expect(settings.MAX_POOL_SIZE).toBe(4)
  })

  it('ignores a fragment and surrounding whitespace', () => {
    expect(parseDatabaseUrl('  postgres://h/db#comment\n')).toEqual({
      ENGINE: 'postgresql',
      NAME: 'db',
      HOST: 'h',
      PORT: 5432,
    })
  })
})

describe('parseDatabaseUrl: sqlite', () => {
  it.each([
    ['sqlite://', ':memory:'],
    ['sqlite:///', ':memory:'],
    ['sqlite:///:memory:', ':memory:'],
    ['sqlite:///relative.db', 'relative.db'],
    ['sqlite:///./db.sqlite3', './db.sqlite3'],
    ['sqlite:///../data/app.db', '../data/app.db'],
    ['sqlite:///data/app.db', 'data/app.db'],
    ['sqlite:////abs/path.db', '/abs/path.db'],
    ['sqlite:////var/lib/my%20app/db.sqlite3', '/var/lib/my app/db.sqlite3'],
    ['sqlite://relative/db.sqlite3', 'relative/db.sqlite3'],
    ['SQLITE:///x.db', 'x.db'],
  ])('%s → NAME %s', (url, name) => {
    expect(parseDatabaseUrl(url)).toEqual({ ENGINE: 'sqlite', NAME: name })
  })

  it('puts query parameters in OPTIONS and lifts knobs', () => {
    expect(parseDatabaseUrl('sqlite:///app.db?journal_mode=WAL&POOL_TIMEOUT=5')).toEqual({
      ENGINE: 'sqlite',
      NAME: 'app.db',
      POOL_TIMEOUT: 5,
      OPTIONS: { journal_mode: 'WAL' },
    })
  })
})

describe('parseDatabaseUrl: libsql', () => {
  it('libsql:///local.db is a local file with no SYNC_URL', () => {
    expect(parseDatabaseUrl('libsql:///local.db')).toEqual({ ENGINE: 'libsql', NAME: 'local.db' })
    expect(parseDatabaseUrl('libsql:////var/data/local.db')).toEqual({ ENGINE: 'libsql', NAME: '/var/data/local.db' })
  })

  it('libsql:// with a host is an embedded replica', () => {
    expect(parseDatabaseUrl('libsql://my-db.turso.io?authToken=tok&NAME=local.db')).toEqual({
      ENGINE: 'libsql',
      SYNC_URL: 'libsql://my-db.turso.io',
      NAME: 'local.db',
      AUTH_TOKEN: 'tok',
    })
  })

  it('defaults NAME to :memory: (remote only)', () => {
    expect(parseDatabaseUrl('libsql://my-db.turso.io?authToken=tok')).toEqual({
      ENGINE: 'libsql',
      SYNC_URL: 'libsql://my-db.turso.io',
      NAME: ':memory:',
      AUTH_TOKEN: 'tok',
    })
    expect(parseDatabaseUrl('libsql://')).toEqual({ ENGINE: 'libsql', NAME: ':memory:' })
  })

  it.each([
    ['libsql+https', 'https'],
    ['libsql+http', 'http'],
    ['libsql+ws', 'ws'],
    ['libsql+wss', 'wss'],
  ])('%s:// syncs over %s', (scheme, protocol) => {
    expect(parseDatabaseUrl(`${scheme}://h?authToken=t`)).toEqual({
      ENGINE: 'libsql',
      SYNC_URL: `${protocol}://h`,
      NAME: ':memory:',
      AUTH_TOKEN: 't',
    })
  })

  it('keeps a port in SYNC_URL, accepts AUTH_TOKEN and the replica path in the URL path', () => {
    expect(parseDatabaseUrl('libsql+http://127.0.0.1:8080/replica.db?AUTH_TOKEN=a%2Bb&tls=0')).toEqual({
      ENGINE: 'libsql',
      SYNC_URL: 'http://127.0.0.1:8080',
      NAME: 'replica.db',
      AUTH_TOKEN: 'a+b',
      OPTIONS: { tls: '0' },
    })
  })
})

describe('parseDatabaseUrl: errors', () => {
  it('names the supported schemes for an unknown one', () => {
    const error = errorOf(() => parseDatabaseUrl('oracle://scott:tiger@db/orcl'))
    expect(error.message).toBe(
      "Unrecognised database URL scheme 'oracle'. Supported: postgres, postgresql, sqlite, libsql, " +
        'libsql+https, libsql+http, libsql+ws, libsql+wss.',
    )
    expect(error.code).toBe('IMPROPERLY_CONFIGURED')
  })

  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['db.sqlite3', "does not start with a scheme followed by '://'"],
    ['/tmp/app.db', "does not start with a scheme followed by '://'"],
    ['localhost:5432/db', "does not start with a scheme followed by '://'"],
    ['postgres:/h/db', "does not start with a scheme followed by '://'"],
    ['://h/db', "does not start with a scheme followed by '://'"],
    ['postgres://u:pw@h:abc/db', 'the port is not a number between 1 and 65535'],
    ['postgres://u:pw@h:70000/db', 'the port is not a number between 1 and 65535'],
    ['postgres://u:pw@h:0/db', 'the port is not a number between 1 and 65535'],
    ['postgres://u:pw@[::1/db', "the IPv6 host has no closing ']'"],
    ['postgres://u:pw@[::1]x/db', "only ':port' may follow an IPv6 host in brackets"],
  ])('rejects %j: %s, with an example of a valid URL', (url, reason) => {
    const error = errorOf(() => parseDatabaseUrl(url))
    expect(error.message).toContain(reason)
    expect(error.message).toContain("'postgres://user:password@localhost:5432/mydb'")
    expect(error.message).not.toContain(':pw@')
  })

  it('masks the password in the malformed-URL message', () => {
    const error = errorOf(() => parseDatabaseUrl('postgres://app:hunter2@db:nope/app'))
    expect(error.message).toContain("Invalid database URL 'postgres://app:***@db:nope/app'")
    expect(error.message).not.toContain('hunter2')
  })

  it('does not leak a password holding a raw ? through the port message', () => {
    const error = errorOf(() => parseDatabaseUrl('postgres://app:hun?ter2@db/app'))
    expect(error.message).not.toContain('hun')
    expect(error.message).not.toContain('ter2')
  })

  it.each([undefined, null, 42, {}])('rejects a non-string (%j) with an example', (value) => {
    const error = errorOf(() => parseDatabaseUrl(value as unknown as string))
    expect(error.message).toContain('expected a string')
    expect(error.message).toContain('postgres://user:password@localhost:5432/mydb')
  })
})

describe('maskUrlPassword', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['postgres://app:p%40ss@db/app', 'postgres://app:***@db/app'],
    ['postgres://app:p@ss/w@db/app', 'postgres://app:***@db/app'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
    ['postgres://db/app', 'postgres://db/app'],
    ['postgres://[::1]:5432/app', 'postgres://[::1]:5432/app'],
    ['libsql://my-db.turso.io?authToken=eyJhbGc&NAME=x.db', 'libsql://my-db.turso.io?authToken=***&NAME=x.db'],
    ['postgres://db/app?password=pw&sslmode=require', 'postgres://db/app?password=***&sslmode=require'],
    ['sqlite:///db.sqlite3', 'sqlite:///db.sqlite3'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, masked) => {
    expect(maskUrlPassword(url)).toBe(masked)
  })
})
