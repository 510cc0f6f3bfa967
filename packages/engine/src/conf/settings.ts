/**
 * dorm's settings: what `configure()` was given, the resolved `DATABASES`, and the memoised knobs
 * the query path reads on every statement.
 *
 * @example
 * ```ts
 * import { configure, getDatabaseSettings, slowQueryMs } from '@dorm/engine'
 * configure({ DATABASES: { default: process.env.DATABASE_URL ?? 'sqlite:///db.sqlite3' }, SLOW_QUERY_MS: 200 })
 * getDatabaseSettings('default').ENGINE // 'sqlite'
 * slowQueryMs()                         // 200
 * ```
 */
import { getLogger } from '../db/logging.js'
import { ImproperlyConfigured } from '../errors.js'
import type { DatabaseEntry, ResolvedDatabaseSettings } from './database-settings.js'
import { describeValue, resolveDatabaseSettings } from './database-settings.js'
import { bumpSettingsGeneration, MemoizedSetting, NOT_SET, parseDecimal, parseInteger } from './memoized-setting.js'

/**
 * Everything `configure()` accepts. Keys stay UPPER_SNAKE as in the seed; unknown UPPER_SNAKE keys
 * are kept for other modules (`getSettings().MY_KEY`).
 *
 * @example
 * ```ts
 * const settings: DormSettings = {
 *   DATABASES: { default: 'postgres://app:secret@db:5432/app' },
 *   SLOW_QUERY_MS: 200,
 *   RETRY_ATTEMPTS: 5,
 * }
 * ```
 */
export interface DormSettings {
  /** Alias to a URL, a settings object, or `{ URL, ...overrides }`. */
  DATABASES?: Record<string, DatabaseEntry>
  /** Router objects with optional `dbForRead` / `dbForWrite`, asked in order. */
  DATABASE_ROUTERS?: unknown[]
  /** Folders holding `models.ts` and `migrations/`. */
  INSTALLED_APPS?: string[]
  /** Slow-query warning threshold in ms; null disables, 0 logs every query. Default 500. */
  SLOW_QUERY_MS?: number | null
  /** Total attempts for transient errors outside transactions; 1 disables retry. Default 3. */
  RETRY_ATTEMPTS?: number
  /** Seconds before the first retry, doubled on each next one. Default 0.1. */
  RETRY_BACKOFF?: number
  /** Default `warnAbove` of the query-count guard; null leaves it inert. Default null. */
  QUERY_COUNT_WARN?: number | null
  /** Seconds reads stay on the primary after a write of the same model; 0 or null disables. Default 3. */
  READ_AFTER_WRITE_WINDOW?: number | null
  /** Storage backends by alias. */
  STORAGES?: Record<string, unknown>
  /** PostgreSQL `lock_timeout` (ms) `dorm migrate` sets for each migration; 0 or null disables. Default 10000. */
  MIGRATION_TABLE_LOCK_TIMEOUT_MS?: number | null
  [key: string]: unknown
}

const KNOWN_SETTINGS = [
  'DATABASES',
  'DATABASE_ROUTERS',
  'INSTALLED_APPS',
  'SLOW_QUERY_MS',
  'RETRY_ATTEMPTS',
  'RETRY_BACKOFF',
  'QUERY_COUNT_WARN',
  'READ_AFTER_WRITE_WINDOW',
  'STORAGES',
  'MIGRATION_TABLE_LOCK_TIMEOUT_MS',
]

const logger = getLogger('dorm.conf')
const EMPTY: Readonly<DormSettings> = Object.freeze({})

let current: Readonly<DormSettings> = EMPTY
let databases: ReadonlyMap<string, Readonly<ResolvedDatabaseSettings>> = new Map()
const listeners = new Set<(changedKeys: string[]) => void>()

function explicit<T>(key: string): () => T | typeof NOT_SET {
  return () => (Object.hasOwn(current, key) ? (current[key] as T) : NOT_SET)
}

const slowQuery = new MemoizedSetting<number | null>({
  name: 'SLOW_QUERY_MS',
  envVar: 'DORM_SLOW_QUERY_MS',
  defaultValue: 500,
  parseEnv: (raw) => parseDecimal(raw, 0),
  envHint: 'a number of milliseconds >= 0',
  explicit: explicit('SLOW_QUERY_MS'),
})
const attempts = new MemoizedSetting<number>({
  name: 'RETRY_ATTEMPTS',
  envVar: 'DORM_RETRY_ATTEMPTS',
  defaultValue: 3,
  parseEnv: (raw) => parseInteger(raw, 1),
  envHint: 'an integer >= 1',
  explicit: explicit('RETRY_ATTEMPTS'),
})
const backoff = new MemoizedSetting<number>({
  name: 'RETRY_BACKOFF',
  envVar: 'DORM_RETRY_BACKOFF',
  defaultValue: 0.1,
  parseEnv: (raw) => parseDecimal(raw, 0),
  envHint: 'a number of seconds >= 0',
  explicit: explicit('RETRY_BACKOFF'),
})
const readAfterWrite = new MemoizedSetting<number | null>({
  name: 'READ_AFTER_WRITE_WINDOW',
  defaultValue: 3,
  explicit: explicit('READ_AFTER_WRITE_WINDOW'),
})

// migrations: the lock_timeout of migration statements (MIGRATION_TABLE_LOCK_TIMEOUT_MS)
const migrationLockTimeout = new MemoizedSetting<number | null>({
  name: 'MIGRATION_TABLE_LOCK_TIMEOUT_MS',
  envVar: 'DORM_MIGRATION_TABLE_LOCK_TIMEOUT_MS',
  defaultValue: 10_000,
  parseEnv: (raw) => parseInteger(raw, 0),
  envHint: 'an integer number of milliseconds >= 0 (0 disables)',
  explicit: explicit('MIGRATION_TABLE_LOCK_TIMEOUT_MS'),
})

function invalid(key: string, value: unknown, requirement: string, fix: string): never {
  throw new ImproperlyConfigured(`${key} must be ${requirement}, got ${describeValue(value)}. ${fix}`)
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** Validates the top-level values that are not DATABASES; throws before anything is stored. */
function validateScalars(settings: DormSettings): void {
  const has = (key: string): boolean => settings[key] !== undefined
  if (has('SLOW_QUERY_MS') && settings.SLOW_QUERY_MS !== null) {
    if (!isNumber(settings.SLOW_QUERY_MS) || settings.SLOW_QUERY_MS < 0) {
      invalid(
        'SLOW_QUERY_MS',
        settings.SLOW_QUERY_MS,
        'a number of milliseconds >= 0 or null',
        'Use null to disable the slow-query warning, 0 to log every query, or e.g. 500 (the default).',
      )
    }
  }
  if (has('RETRY_ATTEMPTS') && (!isInteger(settings.RETRY_ATTEMPTS) || settings.RETRY_ATTEMPTS < 1)) {
    invalid(
      'RETRY_ATTEMPTS',
      settings.RETRY_ATTEMPTS,
      'an integer >= 1',
      'It counts the first attempt too: use 1 to disable retries, or e.g. 3 (the default).',
    )
  }
  if (has('RETRY_BACKOFF') && (!isNumber(settings.RETRY_BACKOFF) || settings.RETRY_BACKOFF < 0)) {
    invalid(
      'RETRY_BACKOFF',
      settings.RETRY_BACKOFF,
      'a number of seconds >= 0',
      'Use e.g. 0.1 (the default); the wait doubles on each retry.',
    )
  }
  if (has('READ_AFTER_WRITE_WINDOW') && settings.READ_AFTER_WRITE_WINDOW !== null) {
    if (!isNumber(settings.READ_AFTER_WRITE_WINDOW) || settings.READ_AFTER_WRITE_WINDOW < 0) {
      invalid(
        'READ_AFTER_WRITE_WINDOW',
        settings.READ_AFTER_WRITE_WINDOW,
        'a number of seconds >= 0 or null',
        'Use 0 or null to disable sticky reads, or e.g. 3 (the default).',
      )
    }
  }
  if (has('QUERY_COUNT_WARN') && settings.QUERY_COUNT_WARN !== null) {
    if (!isInteger(settings.QUERY_COUNT_WARN) || settings.QUERY_COUNT_WARN < 0) {
      invalid(
        'QUERY_COUNT_WARN',
        settings.QUERY_COUNT_WARN,
        'an integer >= 0 or null',
        'Use null to leave the query-count guard inert, or the count above which it warns, e.g. 50.',
      )
    }
  }
  if (has('MIGRATION_TABLE_LOCK_TIMEOUT_MS') && settings.MIGRATION_TABLE_LOCK_TIMEOUT_MS !== null) {
    if (!isInteger(settings.MIGRATION_TABLE_LOCK_TIMEOUT_MS) || settings.MIGRATION_TABLE_LOCK_TIMEOUT_MS < 0) {
      invalid(
        'MIGRATION_TABLE_LOCK_TIMEOUT_MS',
        settings.MIGRATION_TABLE_LOCK_TIMEOUT_MS,
        'an integer number of milliseconds >= 0 or null',
        'Use e.g. 10000 (the default) so a migration waits at most 10 s for a table lock, or 0 / null to wait forever.',
      )
    }
  }
  if (has('DATABASE_ROUTERS') && !Array.isArray(settings.DATABASE_ROUTERS)) {
    invalid(
      'DATABASE_ROUTERS',
      settings.DATABASE_ROUTERS,
      'an array of routers',
      'Wrap it in brackets: DATABASE_ROUTERS: [new PrimaryReplicaRouter()].',
    )
  }
  if (has('INSTALLED_APPS')) {
    const apps = settings.INSTALLED_APPS
    if (!Array.isArray(apps) || !apps.every((app) => typeof app === 'string')) {
      invalid('INSTALLED_APPS', apps, 'an array of folder paths', "Use e.g. INSTALLED_APPS: ['src/library'].")
    }
  }
  if (has('STORAGES') && !isPlainObject(settings.STORAGES)) {
    invalid(
      'STORAGES',
      settings.STORAGES,
      'an object of storage backends by alias',
      "Use e.g. STORAGES: { default: { BACKEND: 'filesystem', OPTIONS: { location: './media' } } }.",
    )
  }
}

function resolveDatabases(value: unknown): Map<string, Readonly<ResolvedDatabaseSettings>> {
  if (!isPlainObject(value)) {
    invalid(
      'DATABASES',
      value,
      'an object mapping aliases to database URLs or settings',
      "Use e.g. DATABASES: { default: 'postgres://user:password@localhost:5432/mydb' }.",
    )
  }
  const resolved = new Map<string, Readonly<ResolvedDatabaseSettings>>()
  for (const [alias, entry] of Object.entries(value)) {
    const settings = resolveDatabaseSettings(alias, entry as DatabaseEntry)
    // frozen because every caller shares the cached object; a mutation would leak into the others
    Object.freeze(settings.OPTIONS)
    resolved.set(alias, Object.freeze(settings))
  }
  return resolved
}

function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}

function sameDatabases(
  a: ReadonlyMap<string, Readonly<ResolvedDatabaseSettings>>,
  b: ReadonlyMap<string, Readonly<ResolvedDatabaseSettings>>,
): boolean {
  if (a.size !== b.size) return false
  for (const [alias, settings] of a) {
    if (!b.has(alias) || !sameData(settings, b.get(alias))) return false
  }
  return true
}

function notify(changedKeys: string[]): void {
  if (changedKeys.length === 0) return
  // a snapshot, so a listener may unsubscribe itself while we iterate
  for (const listener of [...listeners]) {
    try {
      const result: unknown = listener(changedKeys)
      if (result instanceof Promise) {
        result.catch((error: unknown) => logger.error('A settings listener failed.', { changedKeys }, error))
      }
    } catch (error) {
      // the new settings are already in place; a failing listener (say, a pool that will not
      // close) must not make configure() look as if it had been rejected
      logger.error('A settings listener failed.', { changedKeys }, error)
    }
  }
}

/**
 * Merges settings into the configured ones: a later call wins per key, DATABASES is replaced
 * whole, and a key passed as `undefined` goes back to unset (env var or default). Every
 * DATABASES entry is resolved and validated now, so a typo fails at startup rather than at the
 * first query; on any error nothing changes. Listeners hear the keys whose value changed
 * (DATABASES only when the resolved settings differ).
 *
 * @example
 * ```ts
 * configure({
 *   DATABASES: { default: process.env.DATABASE_URL ?? 'sqlite:///db.sqlite3' },
 *   SLOW_QUERY_MS: 200,
 *   RETRY_ATTEMPTS: 5,
 * })
 * ```
 */
export function configure(settings: DormSettings): void {
  if (!isPlainObject(settings)) {
    invalid(
      'configure()',
      settings,
      'given an object of settings',
      "Call e.g. configure({ DATABASES: { default: 'postgres://user:password@localhost:5432/mydb' } }).",
    )
  }
  for (const key of Object.keys(settings)) {
    const known = KNOWN_SETTINGS.find((name) => name === key.toUpperCase())
    if (known !== undefined && known !== key) {
      throw new ImproperlyConfigured(`configure() got '${key}'; setting names are UPPER_SNAKE. Rename it to ${known}.`)
    }
  }
  validateScalars(settings)
  const next: Record<string, unknown> = { ...current }
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) delete next[key]
    else next[key] = value
  }
  let nextDatabases = databases
  if (Object.hasOwn(settings, 'DATABASES')) {
    if (next.DATABASES === undefined) nextDatabases = new Map()
    else {
      nextDatabases = resolveDatabases(next.DATABASES)
      // our own copy, so a later mutation of the caller's object cannot desync getSettings() from the cache
      next.DATABASES = { ...(next.DATABASES as Record<string, DatabaseEntry>) }
    }
  }

  const previous = current
  const previousDatabases = databases
  current = Object.freeze(next)
  databases = nextDatabases
  bumpSettingsGeneration()

  const changed = Object.keys(settings).filter((key) => {
    if (key === 'DATABASES') return !sameDatabases(previousDatabases, nextDatabases)
    const before = previous[key]
    const after = current[key]
    // objects (routers, apps, storages) count as changed: they may have been mutated in place
    return !Object.is(before, after) || (typeof after === 'object' && after !== null)
  })
  if (changed.length > 0) {
    logger.debug('Settings changed.', {
      keys: changed,
      databases: [...databases].map(([alias, db]) => `${alias}:${db.ENGINE}`),
    })
  }
  notify(changed)
}

/**
 * The settings given to `configure()`, frozen. Defaults are not filled in here: read the knobs
 * through their getters (`slowQueryMs()`, ...) and databases through `getDatabaseSettings()`.
 *
 * @example
 * ```ts
 * const routers = getSettings().DATABASE_ROUTERS ?? []
 * ```
 */
export function getSettings(): Readonly<DormSettings> {
  return current
}

/**
 * The resolved settings of one database alias (cached until the next `configure()`; frozen).
 *
 * @example
 * ```ts
 * const { ENGINE, MAX_POOL_SIZE } = getDatabaseSettings('default')
 * ```
 */
export function getDatabaseSettings(alias: string): ResolvedDatabaseSettings {
  const settings = databases.get(alias)
  if (settings !== undefined) return settings
  if (databases.size === 0) {
    throw new ImproperlyConfigured(
      `Database alias '${alias}' cannot be used: no DATABASES are configured. ` +
        "Call configure({ DATABASES: { default: 'postgres://...' } }) first " +
        '(a URL string or a settings object per alias).',
    )
  }
  const aliases = [...databases.keys()].map((name) => `'${name}'`).join(', ')
  throw new ImproperlyConfigured(
    `Database alias '${alias}' not found in DATABASES configuration. Configured aliases: ${aliases}. ` +
      `Add DATABASES['${alias}'] to configure(), or use one of the configured aliases.`,
  )
}

/**
 * The configured database aliases, in the order they were given.
 *
 * @example
 * ```ts
 * for (const alias of databaseAliases()) await healthCheck(alias)
 * ```
 */
export function databaseAliases(): string[] {
  return [...databases.keys()]
}

/**
 * Calls `listener` after each `configure()` or `resetSettings()` that changed something, with the
 * changed keys. Returns a function that removes the listener. A listener that throws or rejects
 * is logged on `dorm.conf` and does not undo the change.
 *
 * @example
 * ```ts
 * const stop = onSettingsChanged((keys) => {
 *   if (keys.includes('DATABASES')) void closeAllConnections()
 * })
 * stop()
 * ```
 */
export function onSettingsChanged(listener: (changedKeys: string[]) => void): () => void {
  // a wrapper per subscription, so subscribing the same function twice needs two unsubscribes
  const entry = (changedKeys: string[]): void => listener(changedKeys)
  listeners.add(entry)
  return () => {
    listeners.delete(entry)
  }
}

/**
 * Forgets every setting, as if `configure()` had never been called, and tells the listeners which
 * keys were dropped. Meant for tests.
 *
 * @example
 * ```ts
 * afterEach(() => resetSettings())
 * ```
 */
export function resetSettings(): void {
  const previousKeys = Object.keys(current)
  current = EMPTY
  databases = new Map()
  bumpSettingsGeneration()
  notify(previousKeys)
}

/**
 * The slow-query threshold in ms, or null when the warning is off: SLOW_QUERY_MS >
 * DORM_SLOW_QUERY_MS > 500. Memoised until the next `configure()`.
 *
 * @example
 * ```ts
 * const threshold = slowQueryMs()
 * if (threshold !== null && elapsedMs >= threshold) logger.warning(`slow query (${elapsedMs}ms)`)
 * ```
 */
export function slowQueryMs(): number | null {
  return slowQuery.get()
}

/**
 * Total attempts for a transient error outside a transaction: RETRY_ATTEMPTS >
 * DORM_RETRY_ATTEMPTS (an integer >= 1) > 3. Memoised until the next `configure()`.
 *
 * @example
 * ```ts
 * for (let attempt = 1; attempt <= retryAttempts(); attempt++) { ... }
 * ```
 */
export function retryAttempts(): number {
  return attempts.get()
}

/**
 * Seconds before the first retry (doubled on each next one): RETRY_BACKOFF > DORM_RETRY_BACKOFF >
 * 0.1. Memoised until the next `configure()`.
 *
 * @example
 * ```ts
 * const delayMs = retryBackoff() * 2 ** (attempt - 1) * 1000
 * ```
 */
export function retryBackoff(): number {
  return backoff.get()
}

/**
 * Seconds reads of a just-written model stay on the primary; null or 0 disables. Default 3.
 *
 * @example
 * ```ts
 * const window = readAfterWriteWindow()
 * if (window) stickUntil.set(modelKey, Date.now() + window * 1000)
 * ```
 */
export function readAfterWriteWindow(): number | null {
  return readAfterWrite.get()
}

/**
 * The PostgreSQL `lock_timeout` in ms that `dorm migrate` sets for every migration, or null when
 * disabled: MIGRATION_TABLE_LOCK_TIMEOUT_MS > DORM_MIGRATION_TABLE_LOCK_TIMEOUT_MS > 10000; 0 means null.
 *
 * @example
 * ```ts
 * configure({ MIGRATION_TABLE_LOCK_TIMEOUT_MS: 2000 })
 * migrationTableLockTimeoutMs() // 2000
 * ```
 */
export function migrationTableLockTimeoutMs(): number | null {
  const value = migrationLockTimeout.get()
  return value === null || value === 0 ? null : value
}
