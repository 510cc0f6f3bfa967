/**
 * The shape of one `DATABASES` entry and its resolution: URL expansion, engine aliases, pool
 * defaults and validation with messages that name the alias, the key and the fix.
 *
 * @example
 * ```ts
 * import { resolveDatabaseSettings } from '@dorm/engine'
 * resolveDatabaseSettings('replica', { URL: 'postgres://app@replica:5432/app', MAX_POOL_SIZE: 30 })
 * // { ENGINE: 'postgresql', NAME: 'app', USER: 'app', HOST: 'replica', PORT: 5432, MAX_POOL_SIZE: 30,
 * //   MIN_POOL_SIZE: 1, POOL_TIMEOUT: 30, POOL_CHECK: true, PREPARE_THRESHOLD: 5, MAX_IDLE: 600,
 * //   MAX_LIFETIME: 3600, OPTIONS: {} }
 * ```
 */
import { getLogger } from '../db/logging.js'
import { ImproperlyConfigured } from '../errors.js'
import { parseDatabaseUrl } from './database-url.js'

/**
 * The database engines dorm speaks to.
 *
 * @example
 * ```ts
 * const engine: Engine = 'postgresql'
 * ```
 */
export type Engine = 'postgresql' | 'sqlite' | 'libsql'

/** The seven pool settings of the seed's table (also liftable from a URL's query string). */
export type PoolKnob =
  | 'MIN_POOL_SIZE'
  | 'MAX_POOL_SIZE'
  | 'POOL_TIMEOUT'
  | 'POOL_CHECK'
  | 'PREPARE_THRESHOLD'
  | 'MAX_IDLE'
  | 'MAX_LIFETIME'

/**
 * One database as a user writes it, or as {@link parseDatabaseUrl} returns it. Every key is
 * optional; {@link resolveDatabaseSettings} fills the defaults and validates.
 *
 * @example
 * ```ts
 * const primary: DatabaseSettings = {
 *   ENGINE: 'postgresql', NAME: 'myapp', USER: 'myapp', PASSWORD: process.env.PGPASSWORD,
 *   HOST: 'primary.internal', PORT: 5432, MIN_POOL_SIZE: 4, MAX_POOL_SIZE: 20, POOL_TIMEOUT: 10,
 * }
 * ```
 */
export interface DatabaseSettings {
  /** `postgresql` (alias `postgres`), `sqlite` or `libsql`. */
  ENGINE?: Engine | string
  /** PostgreSQL database name; SQLite file path or `:memory:`; libsql local file or replica. */
  NAME?: string
  USER?: string
  PASSWORD?: string
  /** Host name, IP address, or a unix socket directory such as `/run/postgresql`. */
  HOST?: string
  PORT?: number
  /** Idle connections kept open. Default 1. */
  MIN_POOL_SIZE?: number
  /** Hard cap; checkouts beyond it wait. Default 10 (rule of thumb: vCPU x 2 per process). */
  MAX_POOL_SIZE?: number
  /** Seconds a checkout waits before raising `PoolTimeout`. Default 30. */
  POOL_TIMEOUT?: number
  /** Run `SELECT 1` on checkout to drop stale connections. Default true. */
  POOL_CHECK?: boolean
  /** Executions of one SQL shape before it is server-prepared: 0 always, null never. Default 5. */
  PREPARE_THRESHOLD?: number | null
  /** Seconds an idle connection lives before it is recycled. Default 600. */
  MAX_IDLE?: number
  /** Seconds any connection lives before it is recycled. Default 3600. */
  MAX_LIFETIME?: number
  /** libsql: the remote database an embedded replica syncs from. */
  SYNC_URL?: string
  /** libsql: the token for SYNC_URL. */
  AUTH_TOKEN?: string
  /** Driver options passed through (PostgreSQL: sslmode, application_name, ...). */
  OPTIONS?: Record<string, unknown>
}

/**
 * One `DATABASES` entry: a URL, a settings object, or a URL plus overrides that win over it.
 *
 * @example
 * ```ts
 * const entries: Record<string, DatabaseEntry> = {
 *   default: 'postgres://app:secret@db:5432/app',
 *   replica: { URL: 'postgres://app:secret@replica:5432/app', MAX_POOL_SIZE: 30 },
 *   local: { ENGINE: 'sqlite', NAME: 'db.sqlite3' },
 * }
 * ```
 */
export type DatabaseEntry = string | (DatabaseSettings & { URL?: string })

/**
 * A `DATABASES` entry after resolution: engine normalised, defaults filled, values validated.
 * For PostgreSQL an empty NAME means "the driver's default" (PGDATABASE, then the user name).
 *
 * @example
 * ```ts
 * const settings: ResolvedDatabaseSettings = getDatabaseSettings('default')
 * if (settings.ENGINE === 'postgresql') console.log(settings.MAX_POOL_SIZE)
 * ```
 */
export interface ResolvedDatabaseSettings {
  ENGINE: Engine
  NAME: string
  USER?: string
  PASSWORD?: string
  HOST?: string
  PORT?: number
  MIN_POOL_SIZE: number
  MAX_POOL_SIZE: number
  POOL_TIMEOUT: number
  POOL_CHECK: boolean
  PREPARE_THRESHOLD: number | null
  MAX_IDLE: number
  MAX_LIFETIME: number
  SYNC_URL?: string
  AUTH_TOKEN?: string
  OPTIONS: Record<string, unknown>
}

/**
 * Pool defaults, as in the seed's table (times in seconds).
 *
 * @example
 * ```ts
 * POOL_DEFAULTS.MAX_POOL_SIZE // 10
 * ```
 */
export const POOL_DEFAULTS: Readonly<Pick<ResolvedDatabaseSettings, PoolKnob>> = Object.freeze({
  MIN_POOL_SIZE: 1,
  MAX_POOL_SIZE: 10,
  POOL_TIMEOUT: 30,
  POOL_CHECK: true,
  PREPARE_THRESHOLD: 5,
  MAX_IDLE: 600,
  MAX_LIFETIME: 3600,
})

const ENGINES: readonly Engine[] = ['postgresql', 'sqlite', 'libsql']
const ENGINE_ALIASES: Readonly<Record<string, Engine>> = { postgres: 'postgresql' }

const KNOWN_KEYS = [
  'ENGINE',
  'NAME',
  'USER',
  'PASSWORD',
  'HOST',
  'PORT',
  'MIN_POOL_SIZE',
  'MAX_POOL_SIZE',
  'POOL_TIMEOUT',
  'POOL_CHECK',
  'PREPARE_THRESHOLD',
  'MAX_IDLE',
  'MAX_LIFETIME',
  'SYNC_URL',
  'AUTH_TOKEN',
  'OPTIONS',
  'URL',
]
const SECRET_KEYS = new Set(['PASSWORD', 'AUTH_TOKEN'])

const URL_EXAMPLE = "'postgres://user:password@localhost:5432/mydb'"

/**
 * Shows a configured value the way the user wrote it, for error messages that must never lose what
 * was actually configured. Internal to `conf/`; not meant for secrets.
 *
 * @example
 * ```ts
 * describeValue('30') // "'30'"
 * describeValue(-1)   // '-1'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`
  if (typeof value === 'symbol' || typeof value === 'bigint') return `${String(value)} (a ${typeof value})`
  if (value === null || typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** A hint for the commonest wrong type: a number read from the environment and not converted. */
function stringHint(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return ''
  const number = Number(value)
  return Number.isNaN(number) ? '' : ` (a string; write the number ${number} without quotes)`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function fail(where: string, key: string, value: unknown, requirement: string, fix: string): never {
  const kind = value === null ? 'null' : typeof value
  const shown = SECRET_KEYS.has(key)
    ? `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} (value hidden)`
    : describeValue(value)
  throw new ImproperlyConfigured(`${where}.${key} must be ${requirement}, got ${shown}${stringHint(value)}. ${fix}`)
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value)
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** Expands the entry to one settings object: URL parsed, overrides applied, OPTIONS merged. */
function expandEntry(where: string, entry: unknown): DatabaseSettings {
  if (typeof entry === 'string') return parseUrlFor(where, entry)
  if (!isPlainObject(entry)) {
    throw new ImproperlyConfigured(
      `${where} must be a database URL string or a settings object, got ${describeValue(entry)}. ` +
        `Use e.g. ${URL_EXAMPLE} or { ENGINE: 'sqlite', NAME: 'db.sqlite3' }.`,
    )
  }
  if (!('URL' in entry)) return { ...entry }
  const { URL: url, ...overrides } = entry
  if (typeof url !== 'string') {
    // { URL: process.env.REPLICA_URL, ENGINE: ... } with the variable unset: the explicit keys stand alone
    if (url == null && overrides.ENGINE !== undefined) return overrides
    throw new ImproperlyConfigured(
      `${where}.URL must be a database URL string, got ${describeValue(url)}. ` +
        `Is the environment variable it comes from set? Set URL to e.g. ${URL_EXAMPLE}, ` +
        'or remove URL and give ENGINE and NAME.',
    )
  }
  const parsed = parseUrlFor(where, url)
  const merged: Record<string, unknown> = { ...parsed }
  for (const [key, value] of Object.entries(overrides)) {
    // `{ URL, PASSWORD: process.env.PW }` with PW unset must not erase the URL's password
    if (value !== undefined) merged[key] = value
  }
  if (isPlainObject(parsed.OPTIONS) && isPlainObject(overrides.OPTIONS)) {
    merged.OPTIONS = { ...parsed.OPTIONS, ...overrides.OPTIONS }
  }
  return merged
}

function parseUrlFor(where: string, url: string): DatabaseSettings {
  try {
    return parseDatabaseUrl(url)
  } catch (error) {
    if (error instanceof ImproperlyConfigured) {
      throw new ImproperlyConfigured(`${where}: ${error.message}`, { cause: error })
    }
    throw error
  }
}

function resolveEngine(where: string, engine: unknown): Engine {
  const supported = `${ENGINES.join(', ')} (postgres is accepted for postgresql)`
  if (engine === undefined || engine === null || engine === '') {
    throw new ImproperlyConfigured(
      `${where}.ENGINE is missing. Set ENGINE to one of ${supported}, or give a URL such as ${URL_EXAMPLE}.`,
    )
  }
  if (typeof engine !== 'string') {
    fail(where, 'ENGINE', engine, `one of ${supported}`, "Set it to a string such as 'postgresql'.")
  }
  const folded = engine.trim().toLowerCase()
  const resolved = ENGINE_ALIASES[folded] ?? (ENGINES as readonly string[]).find((name) => name === folded)
  if (resolved === undefined) {
    throw new ImproperlyConfigured(
      `${where}.ENGINE ${describeValue(engine)} is not supported. Set ENGINE to one of ${supported}.`,
    )
  }
  return resolved as Engine
}

function optionalString(where: string, key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') fail(where, key, value, 'a string', `Set ${key} to a string, or leave it out.`)
  return value
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

function warnUnknownKeys(where: string, raw: Record<string, unknown>): void {
  for (const key of Object.keys(raw)) {
    if (KNOWN_KEYS.includes(key)) continue
    const upper = key.toUpperCase()
    const guess = KNOWN_KEYS.find((known) => known === upper) ?? KNOWN_KEYS.find((known) => distance(known, upper) <= 2)
    getLogger('dorm.conf').warning(
      `${where} has an unknown key '${key}'; it is ignored.${guess === undefined ? '' : ` Did you mean ${guess}?`}`,
      { key },
    )
  }
}

/**
 * Resolves one `DATABASES` entry: a URL string is parsed, `{ URL, ...overrides }` is parsed and
 * the overrides win (OPTIONS merged), an object is taken as is. `postgres` becomes `postgresql`,
 * pool defaults are filled in, and every value is validated. Throws `ImproperlyConfigured` naming
 * the alias, the key, the value given and the fix. Unknown keys are ignored with a warning on
 * the `dorm.conf` logger.
 *
 * @example
 * ```ts
 * resolveDatabaseSettings('default', 'sqlite:///db.sqlite3').MAX_POOL_SIZE // 10
 * resolveDatabaseSettings('default', { ENGINE: 'postgres', MAX_POOL_SIZE: -1 })
 * // throws: DATABASES['default'].MAX_POOL_SIZE must be a positive integer, got -1. ...
 * ```
 */
export function resolveDatabaseSettings(alias: string, entry: DatabaseEntry): ResolvedDatabaseSettings {
  const where = `DATABASES['${alias}']`
  const raw = expandEntry(where, entry) as Record<string, unknown>
  warnUnknownKeys(where, raw)
  const engine = resolveEngine(where, raw.ENGINE)

  const name = optionalString(where, 'NAME', raw.NAME)
  let resolvedName: string
  if (name !== undefined && name !== '') resolvedName = name
  else if (engine === 'sqlite') {
    throw new ImproperlyConfigured(
      `${where}.NAME is required for ENGINE 'sqlite', got ${describeValue(raw.NAME)}. ` +
        "Set NAME to a file path such as 'db.sqlite3', or ':memory:' for an in-memory database.",
    )
  } else resolvedName = engine === 'libsql' ? ':memory:' : ''

  const settings: ResolvedDatabaseSettings = {
    ENGINE: engine,
    NAME: resolvedName,
    ...POOL_DEFAULTS,
    OPTIONS: {},
  }
  for (const key of ['USER', 'PASSWORD', 'HOST', 'SYNC_URL', 'AUTH_TOKEN'] as const) {
    const value = optionalString(where, key, raw[key])
    if (value !== undefined) settings[key] = value
  }

  if (raw.PORT !== undefined && raw.PORT !== null) {
    if (!isInteger(raw.PORT) || raw.PORT < 1 || raw.PORT > 65535) {
      fail(
        where,
        'PORT',
        raw.PORT,
        'an integer from 1 to 65535',
        'Set it to the server port (PostgreSQL listens on 5432 by default), or leave it out.',
      )
    }
    settings.PORT = raw.PORT
  }

  if (raw.MAX_POOL_SIZE !== undefined) {
    if (!isInteger(raw.MAX_POOL_SIZE) || raw.MAX_POOL_SIZE < 1) {
      fail(
        where,
        'MAX_POOL_SIZE',
        raw.MAX_POOL_SIZE,
        'a positive integer',
        'Set it to at least 1 (rule of thumb: vCPU x 2 per process).',
      )
    }
    settings.MAX_POOL_SIZE = raw.MAX_POOL_SIZE
  }
  if (raw.MIN_POOL_SIZE !== undefined) {
    if (!isInteger(raw.MIN_POOL_SIZE) || raw.MIN_POOL_SIZE < 0) {
      fail(
        where,
        'MIN_POOL_SIZE',
        raw.MIN_POOL_SIZE,
        'an integer >= 0',
        'Set it to the idle connections to keep open (default 1; behind PgBouncer in transaction mode use 1).',
      )
    }
    settings.MIN_POOL_SIZE = raw.MIN_POOL_SIZE
  }
  if (settings.MIN_POOL_SIZE > settings.MAX_POOL_SIZE) {
    const maxNote = raw.MAX_POOL_SIZE === undefined ? ', the default' : ''
    throw new ImproperlyConfigured(
      `${where}.MIN_POOL_SIZE (${settings.MIN_POOL_SIZE}) is greater than ` +
        `MAX_POOL_SIZE (${settings.MAX_POOL_SIZE}${maxNote}). ` +
        'Lower MIN_POOL_SIZE or raise MAX_POOL_SIZE so that MIN_POOL_SIZE <= MAX_POOL_SIZE.',
    )
  }

  if (raw.POOL_TIMEOUT !== undefined) {
    if (!isFiniteNumber(raw.POOL_TIMEOUT) || raw.POOL_TIMEOUT <= 0) {
      fail(
        where,
        'POOL_TIMEOUT',
        raw.POOL_TIMEOUT,
        'a positive number of seconds',
        'Set it to how long a checkout may wait before raising PoolTimeout (default 30).',
      )
    }
    settings.POOL_TIMEOUT = raw.POOL_TIMEOUT
  }
  if (raw.POOL_CHECK !== undefined) {
    if (typeof raw.POOL_CHECK !== 'boolean') {
      fail(
        where,
        'POOL_CHECK',
        raw.POOL_CHECK,
        'true or false',
        'Use true to run SELECT 1 on checkout (the default), false to skip it.',
      )
    }
    settings.POOL_CHECK = raw.POOL_CHECK
  }
  if (raw.PREPARE_THRESHOLD !== undefined) {
    if (raw.PREPARE_THRESHOLD !== null && (!isInteger(raw.PREPARE_THRESHOLD) || raw.PREPARE_THRESHOLD < 0)) {
      fail(
        where,
        'PREPARE_THRESHOLD',
        raw.PREPARE_THRESHOLD,
        'null or an integer >= 0',
        'Use 0 to always prepare, null to never prepare, or a count such as 5 (the default).',
      )
    }
    settings.PREPARE_THRESHOLD = raw.PREPARE_THRESHOLD
  }
  for (const [key, fallback] of [
    ['MAX_IDLE', POOL_DEFAULTS.MAX_IDLE],
    ['MAX_LIFETIME', POOL_DEFAULTS.MAX_LIFETIME],
  ] as const) {
    const value = raw[key]
    if (value === undefined) continue
    if (!isFiniteNumber(value) || value < 0) {
      fail(
        where,
        key,
        value,
        'a number of seconds >= 0',
        `Set it to the seconds after which a connection is recycled (default ${fallback}).`,
      )
    }
    settings[key] = value
  }

  if (raw.OPTIONS !== undefined && raw.OPTIONS !== null) {
    if (!isPlainObject(raw.OPTIONS)) {
      fail(where, 'OPTIONS', raw.OPTIONS, 'an object of driver options', "Use e.g. OPTIONS: { sslmode: 'require' }.")
    }
    settings.OPTIONS = { ...raw.OPTIONS }
  }
  return settings
}
