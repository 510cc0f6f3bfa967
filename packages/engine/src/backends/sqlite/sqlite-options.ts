/**
 * Reads the SQLite knobs of a `DATABASES` entry's OPTIONS, shared by the sqlite and libsql backends.
 * Values may be strings (from a URL's query) or numbers (from a settings object).
 */
import type { ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { ImproperlyConfigured } from '../../errors.js'

/**
 * The journal modes SQLite accepts for `PRAGMA journal_mode`.
 *
 * @example
 * ```ts
 * JOURNAL_MODES.includes('WAL') // true
 * ```
 */
export const JOURNAL_MODES = ['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF'] as const

/**
 * One of {@link JOURNAL_MODES}.
 *
 * @example
 * ```ts
 * const mode: JournalMode = 'WAL'
 * ```
 */
export type JournalMode = (typeof JOURNAL_MODES)[number]

/**
 * Busy timeout when OPTIONS.timeout is not set: long enough to ride out another writer's commit.
 *
 * @example
 * ```ts
 * new Database(path, { timeout: DEFAULT_BUSY_TIMEOUT_MS })
 * ```
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000

/**
 * The SQLite settings of one alias, validated.
 *
 * @example
 * ```ts
 * const options: SqliteOptions = { name: 'db.sqlite3', memory: false, timeoutMs: 5000, journalMode: 'WAL' }
 * ```
 */
export interface SqliteOptions {
  /** The database path as configured, or `:memory:`. */
  name: string
  /** Whether the database lives only in this connection (`:memory:` or the empty name). */
  memory: boolean
  /** How long a statement waits for another connection's lock before SQLITE_BUSY. */
  timeoutMs: number
  /** The journal mode to set on open, or `undefined` to leave the database's own. */
  journalMode: JournalMode | undefined
  /** SQL run on every new connection after the journal mode (OPTIONS.init_command). */
  initCommand?: string
}

function option(options: Record<string, unknown>, key: string): unknown {
  if (key in options) return options[key]
  // URLs keep the user's spelling (?TIMEOUT=...), so match case-insensitively
  for (const [name, value] of Object.entries(options)) if (name.toLowerCase() === key) return value
  return undefined
}

/**
 * Validates OPTIONS.timeout (ms, default 5000), OPTIONS.journal_mode (default WAL for files,
 * untouched for `:memory:`) and OPTIONS.init_command (SQL for every new connection), raising
 * ImproperlyConfigured that names the alias and the fix.
 *
 * @example
 * ```ts
 * readSqliteOptions('default', settings) // { name: 'db.sqlite3', memory: false, timeoutMs: 5000, journalMode: 'WAL' }
 * ```
 */
export function readSqliteOptions(alias: string, settings: ResolvedDatabaseSettings): SqliteOptions {
  const options = settings.OPTIONS ?? {}
  const name = settings.NAME
  const memory = name === ':memory:' || name === ''

  const rawTimeout = option(options, 'timeout')
  let timeoutMs = DEFAULT_BUSY_TIMEOUT_MS
  if (rawTimeout !== undefined && rawTimeout !== null && rawTimeout !== '') {
    timeoutMs = typeof rawTimeout === 'string' ? Number(rawTimeout.trim()) : (rawTimeout as number)
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new ImproperlyConfigured(
        `DATABASES['${alias}'].OPTIONS.timeout must be a number of milliseconds >= 0, got ${JSON.stringify(rawTimeout)}. ` +
          `Set e.g. OPTIONS: { timeout: ${DEFAULT_BUSY_TIMEOUT_MS} } (or ?timeout=${DEFAULT_BUSY_TIMEOUT_MS} in the URL).`,
      )
    }
  }

  const rawMode = option(options, 'journal_mode')
  let journalMode: JournalMode | undefined = memory ? undefined : 'WAL'
  if (rawMode !== undefined && rawMode !== null && rawMode !== '') {
    const folded = typeof rawMode === 'string' ? rawMode.trim().toUpperCase() : undefined
    if (folded === undefined || !(JOURNAL_MODES as readonly string[]).includes(folded)) {
      throw new ImproperlyConfigured(
        `DATABASES['${alias}'].OPTIONS.journal_mode must be one of ${JOURNAL_MODES.join(', ')}, got ` +
          `${JSON.stringify(rawMode)}. WAL (the default for files) lets readers run while one connection writes.`,
      )
    }
    journalMode = folded as JournalMode
  }

  const rawInit = option(options, 'init_command')
  if (rawInit !== undefined && rawInit !== null && typeof rawInit !== 'string') {
    throw new ImproperlyConfigured(
      `DATABASES['${alias}'].OPTIONS.init_command must be a string of SQL, got ${JSON.stringify(rawInit)}. ` +
        `Set e.g. OPTIONS: { init_command: 'PRAGMA cache_size = -4000' } (statements separated by ';').`,
    )
  }
  const initCommand = rawInit?.trim() || undefined
  return initCommand === undefined
    ? { name, memory, timeoutMs, journalMode }
    : { name, memory, timeoutMs, journalMode, initCommand }
}
