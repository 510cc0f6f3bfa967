/**
 * Database URLs (the `DATABASE_URL` of twelve-factor apps) turned into `DATABASES` entries.
 *
 * The URL is split by hand rather than with WHATWG `URL`: `URL` resolves dot segments
 * (`sqlite:///../data/app.db` would become `/data/app.db`) and rejects passwords holding a raw
 * `/`, both of which a database URL must survive.
 *
 * @example
 * ```ts
 * import { parseDatabaseUrl } from '@dorm/engine'
 * parseDatabaseUrl('postgres://app:s3cret@db.internal:6543/app?sslmode=require&MAX_POOL_SIZE=30')
 * // { ENGINE: 'postgresql', NAME: 'app', USER: 'app', PASSWORD: 's3cret', HOST: 'db.internal',
 * //   PORT: 6543, MAX_POOL_SIZE: 30, OPTIONS: { sslmode: 'require' } }
 * ```
 */
import { ImproperlyConfigured } from '../errors.js'
import type { DatabaseSettings, PoolKnob } from './database-settings.js'
import { parseDecimal, parseInteger } from './memoized-setting.js'

const SUPPORTED_SCHEMES = [
  'postgres',
  'postgresql',
  'sqlite',
  'libsql',
  'libsql+https',
  'libsql+http',
  'libsql+ws',
  'libsql+wss',
] as const
type Scheme = (typeof SUPPORTED_SCHEMES)[number]

const EXAMPLES = "'postgres://user:password@localhost:5432/mydb', 'sqlite:///db.sqlite3' or 'libsql:///local.db'"

const DEFAULT_POSTGRES_PORT = 5432

type KnobKey = PoolKnob

interface Knob {
  parse: (raw: string) => number | boolean | null | undefined
  expected: string
  example: string
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off'])

function parseBool(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  return undefined
}

const intKnob = (example: string): Knob => ({ parse: (raw) => parseInteger(raw), expected: 'an integer', example })
const secondsKnob = (example: string): Knob => ({
  parse: (raw) => parseDecimal(raw),
  expected: 'a number of seconds',
  example,
})

// The seed's list of query knobs that become top-level keys, with their types.
const KNOBS: Record<KnobKey, Knob> = {
  MIN_POOL_SIZE: intKnob('1'),
  MAX_POOL_SIZE: intKnob('20'),
  POOL_TIMEOUT: secondsKnob('10.0'),
  POOL_CHECK: { parse: parseBool, expected: 'one of 1/true/yes/on or 0/false/no/off', example: 'false' },
  PREPARE_THRESHOLD: {
    parse: (raw) => (['none', 'null'].includes(raw.trim().toLowerCase()) ? null : parseInteger(raw)),
    expected: "an integer or 'none'",
    example: '0',
  },
  MAX_IDLE: secondsKnob('600'),
  MAX_LIFETIME: secondsKnob('3600'),
}

function isKnob(key: string): key is KnobKey {
  return Object.hasOwn(KNOBS, key)
}

/**
 * The URL with its password replaced by `***`, for error messages and logs. Query parameters whose
 * name looks secret (`password`, `authToken`, `token`, `secret`) are masked too. When the URL is so
 * malformed that the password's end is ambiguous, more is masked rather than less.
 *
 * @example
 * ```ts
 * maskUrlPassword('postgres://app:s3cret@db:5432/app')        // 'postgres://app:***@db:5432/app'
 * maskUrlPassword('libsql://my-db.turso.io?authToken=eyJhbGc') // 'libsql://my-db.turso.io?authToken=***'
 * ```
 */
export function maskUrlPassword(url: string): string {
  let masked = String(url)
  const start = masked.indexOf('://')
  if (start >= 0) {
    const bodyStart = start + 3
    // the last '@' ends the userinfo even when the password holds a raw '@', '/', '?' or '#';
    // an '@' later in the query makes us mask too much, never too little
    const at = masked.lastIndexOf('@')
    const colon = masked.indexOf(':', bodyStart)
    if (at > bodyStart && colon >= 0 && colon < at) {
      masked = `${masked.slice(0, colon + 1)}***${masked.slice(at)}`
    }
  }
  return masked.replace(/([?&][^=&#]*(?:password|passwd|token|secret)[^=&#]*=)[^&#]*/gi, '$1***')
}

function malformed(url: string, reason: string): ImproperlyConfigured {
  return new ImproperlyConfigured(
    `Invalid database URL '${maskUrlPassword(url)}': ${reason}. A valid URL looks like ${EXAMPLES}.`,
  )
}

/** Decodes `%XX` escapes; a stray `%` that starts no escape is kept as typed, like Python's unquote. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}

interface UrlParts {
  scheme: Scheme
  /** Everything between `//` and the first `/` after the userinfo. */
  authority: string
  /** From that `/` on (kept raw: callers decide how many leading slashes mean what). */
  path: string
  /** Query parameters in order, first occurrence of each name only. */
  query: Array<[string, string]>
}

function splitUrl(url: string): UrlParts {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url)
  if (match === null) {
    throw malformed(url, "it does not start with a scheme followed by '://'")
  }
  const [, rawScheme = '', rest = ''] = match
  const scheme = rawScheme.toLowerCase()
  if (!(SUPPORTED_SCHEMES as readonly string[]).includes(scheme)) {
    throw new ImproperlyConfigured(
      `Unrecognised database URL scheme '${scheme}'. Supported: ${SUPPORTED_SCHEMES.join(', ')}.`,
    )
  }
  let body = rest
  const hash = body.indexOf('#')
  if (hash >= 0) body = body.slice(0, hash)
  const question = body.indexOf('?')
  const rawQuery = question >= 0 ? body.slice(question + 1) : ''
  const hierarchy = question >= 0 ? body.slice(0, question) : body
  // search for the path's '/' only after the userinfo, so a password with a raw '/' stays whole
  const at = hierarchy.lastIndexOf('@')
  const slash = hierarchy.indexOf('/', at + 1)
  const authority = slash >= 0 ? hierarchy.slice(0, slash) : hierarchy
  const path = slash >= 0 ? hierarchy.slice(slash) : ''

  const query: Array<[string, string]> = []
  const seen = new Set<string>()
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    // the first occurrence wins, as with Python's parse_qs that the seed used
    const folded = key.toUpperCase()
    if (seen.has(folded)) continue
    seen.add(folded)
    query.push([key, value])
  }
  return { scheme: scheme as Scheme, authority, path, query }
}

interface Authority {
  user?: string
  password?: string
  host?: string
  port?: number
}

function parseAuthority(url: string, authority: string): Authority {
  const result: Authority = {}
  const at = authority.lastIndexOf('@')
  if (at >= 0) {
    const userinfo = authority.slice(0, at)
    const colon = userinfo.indexOf(':')
    const user = percentDecode(colon >= 0 ? userinfo.slice(0, colon) : userinfo)
    if (user !== '') result.user = user
    if (colon >= 0) {
      const password = percentDecode(userinfo.slice(colon + 1))
      if (password !== '') result.password = password
    }
  }
  const hostPort = authority.slice(at + 1)
  let host: string
  let port: string
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']')
    if (close < 0) throw malformed(url, "the IPv6 host has no closing ']'")
    host = hostPort.slice(1, close)
    const rest = hostPort.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) throw malformed(url, "only ':port' may follow an IPv6 host in brackets")
    port = rest.slice(1)
  } else {
    const colon = hostPort.indexOf(':')
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort
    port = colon >= 0 ? hostPort.slice(colon + 1) : ''
  }
  // a percent-encoded host is how libpq URLs carry a unix socket dir: postgres://%2Ftmp%2Fsock/db
  if (host !== '') result.host = percentDecode(host)
  if (port !== '') {
    // the port's text is not quoted: in a URL whose password holds a raw '?' or '#' it is a piece
    // of the password, and the masked URL already shows a genuine port typo
    const number = /^\d+$/.test(port) ? Number(port) : Number.NaN
    if (!Number.isInteger(number) || number < 1 || number > 65535) {
      throw malformed(url, 'the port is not a number between 1 and 65535')
    }
    result.port = number
  }
  return result
}

/** Strips the one slash that separates authority and path: `/rel.db` is relative, `//abs.db` absolute. */
function localPath(path: string): string {
  return percentDecode(path.startsWith('/') ? path.slice(1) : path)
}

/** Lifts the knobs in place and returns the rest of the query. */
function liftKnobs(url: string, query: Array<[string, string]>, settings: DatabaseSettings): Array<[string, string]> {
  const rest: Array<[string, string]> = []
  for (const [key, raw] of query) {
    const canonical = key.toUpperCase()
    if (!isKnob(canonical)) {
      rest.push([key, raw])
      continue
    }
    const knob = KNOBS[canonical]
    const value = knob.parse(raw)
    if (value === undefined) {
      const spelled = key === canonical ? canonical : `${key} (${canonical})`
      throw new ImproperlyConfigured(
        `Invalid database URL '${maskUrlPassword(url)}': ${spelled} must be ${knob.expected}, got '${raw}'. ` +
          `Fix the query parameter, e.g. ?${canonical}=${knob.example}.`,
      )
    }
    ;(settings as Record<string, unknown>)[canonical] = value
  }
  return rest
}

function withOptions(settings: DatabaseSettings, rest: Array<[string, string]>): DatabaseSettings {
  if (rest.length > 0) settings.OPTIONS = Object.fromEntries(rest)
  return settings
}

function parsePostgres(url: string, parts: UrlParts): DatabaseSettings {
  const authority = parseAuthority(url, parts.authority)
  const settings: DatabaseSettings = { ENGINE: 'postgresql' }
  const name = percentDecode(parts.path.replace(/^\//, ''))
  if (name !== '') settings.NAME = name
  if (authority.user !== undefined) settings.USER = authority.user
  if (authority.password !== undefined) settings.PASSWORD = authority.password
  if (authority.host !== undefined) settings.HOST = authority.host
  settings.PORT = authority.port ?? DEFAULT_POSTGRES_PORT
  const rest: Array<[string, string]> = []
  for (const [key, value] of liftKnobs(url, parts.query, settings)) {
    // libpq's ?host= wins over the authority; it is how a unix socket dir is usually given
    if (key.toLowerCase() === 'host') settings.HOST = value
    else rest.push([key, value])
  }
  return withOptions(settings, rest)
}

function parseSqlite(url: string, parts: UrlParts): DatabaseSettings {
  // sqlite://relative/db.sqlite3 (a "host" that is really the first path segment) is accepted as
  // the seed did; the usual forms have an empty authority
  const name = localPath(parts.authority + parts.path)
  const settings: DatabaseSettings = { ENGINE: 'sqlite', NAME: name === '' ? ':memory:' : name }
  return withOptions(settings, liftKnobs(url, parts.query, settings))
}

function parseLibsql(url: string, parts: UrlParts): DatabaseSettings {
  const settings: DatabaseSettings = { ENGINE: 'libsql' }
  if (parts.authority !== '') {
    const remoteScheme = parts.scheme === 'libsql' ? 'libsql' : parts.scheme.slice('libsql+'.length)
    settings.SYNC_URL = `${remoteScheme}://${parts.authority}`
  }
  // remote-only mode (no local replica) is spelled NAME ':memory:', as in the seed
  settings.NAME = localPath(parts.path) || ':memory:'
  const rest: Array<[string, string]> = []
  for (const [key, value] of liftKnobs(url, parts.query, settings)) {
    const folded = key.toLowerCase()
    if (folded === 'name') settings.NAME = value || settings.NAME
    else if (folded === 'authtoken' || folded === 'auth_token') settings.AUTH_TOKEN = value
    else rest.push([key, value])
  }
  return withOptions(settings, rest)
}

/**
 * Parses a database URL into `DATABASES` settings.
 *
 * - `postgres://` / `postgresql://user:pass@host:port/name`: user and password are
 *   percent-decoded, PORT defaults to 5432, `?host=/run/postgresql` gives a unix socket dir.
 * - `sqlite://` and `sqlite:///:memory:` are in memory; `sqlite:///relative.db` is relative to the
 *   working directory; `sqlite:////abs/path.db` is absolute.
 * - `libsql:///local.db` is a local file; `libsql://host?authToken=...&NAME=replica.db` syncs an
 *   embedded replica (NAME defaults to `:memory:`, i.e. remote only); `libsql+https://host` and
 *   friends choose the remote protocol.
 * - Query parameters MIN_POOL_SIZE, MAX_POOL_SIZE, PREPARE_THRESHOLD (integer, or `none`),
 *   POOL_TIMEOUT, MAX_IDLE, MAX_LIFETIME (seconds) and POOL_CHECK (1/true/yes/on, 0/false/no/off)
 *   become top-level keys, matched case-insensitively; anything else lands in OPTIONS as a string.
 *
 * Throws `ImproperlyConfigured` for an unknown scheme, a malformed URL or a knob that does not
 * parse. Messages show the URL with its password masked.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:///db.sqlite3')  // { ENGINE: 'sqlite', NAME: 'db.sqlite3' }
 * parseDatabaseUrl('libsql://my-db.turso.io?authToken=tok&NAME=local.db')
 * // { ENGINE: 'libsql', SYNC_URL: 'libsql://my-db.turso.io', NAME: 'local.db', AUTH_TOKEN: 'tok' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseSettings {
  if (typeof url !== 'string') {
    const shown = url === null ? 'null' : typeof url
    throw new ImproperlyConfigured(
      `Invalid database URL: expected a string, got ${shown}. ` +
        `Is the environment variable it comes from set? A valid URL looks like ${EXAMPLES}.`,
    )
  }
  // env files and secret stores often add a trailing newline
  const text = url.trim()
  if (text === '') {
    throw malformed(url, 'it is empty (is the environment variable it comes from set?)')
  }
  const parts = splitUrl(text)
  switch (parts.scheme) {
    case 'postgres':
    case 'postgresql':
      return parsePostgres(text, parts)
    case 'sqlite':
      return parseSqlite(text, parts)
    default:
      return parseLibsql(text, parts)
  }
}
