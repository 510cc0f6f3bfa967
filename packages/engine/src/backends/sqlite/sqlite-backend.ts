/**
 * The SQLite backend: one better-sqlite3 connection per alias behind a FIFO gate. better-sqlite3
 * loads on the first checkout, so apps that never touch SQLite never load the native module.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { type DormError, ImproperlyConfigured } from '../../errors.js'
import type { Backend, SyncSessionLease } from '../base/base-connection.js'
import { initCommandError, mapSqliteError, openDatabaseError } from './sqlite-errors.js'
import { GatedSqliteBackend } from './sqlite-gated-backend.js'
import { type JournalMode, readSqliteOptions, type SqliteOptions } from './sqlite-options.js'
import { SqliteSession } from './sqlite-session.js'

type DatabaseConstructor = typeof BetterSqlite3

let driver: Promise<DatabaseConstructor> | undefined

/** Loads better-sqlite3 once, on first use; a failed load is retried next time (after an install). */
function loadBetterSqlite3(): Promise<DatabaseConstructor> {
  driver ??= import('better-sqlite3').then(
    (mod) => mod.default,
    (err: unknown) => {
      driver = undefined
      throw new ImproperlyConfigured(
        "ENGINE 'sqlite' needs the better-sqlite3 package, which could not be loaded. " +
          'Run `npm install better-sqlite3@12` (version 13 needs Node 22).',
        { cause: err },
      )
    },
  )
  return driver
}

class SqliteBackend extends GatedSqliteBackend<SqliteSession> {
  readonly vendor = 'sqlite' as const
  readonly #options: SqliteOptions

  constructor(alias: string, options: SqliteOptions, waitTimeoutMs: number) {
    super(alias, options.name, options.memory, waitTimeoutMs)
    this.#options = options
  }

  protected async openSession(): Promise<SqliteSession> {
    const Database = await loadBetterSqlite3()
    const { name, timeoutMs, journalMode, initCommand } = this.#options
    let db: BetterSqlite3.Database
    try {
      db = new Database(name, { fileMustExist: false, timeout: timeoutMs })
    } catch (err) {
      throw openDatabaseError('SQLite', this.alias, name, err)
    }
    let actualMode: string | undefined
    try {
      if (journalMode !== undefined) actualMode = this.#setJournalMode(db, journalMode)
      db.pragma('foreign_keys = ON')
      registerRegexp(db)
    } catch (err) {
      db.close()
      // NOTADB (not a database file) and BUSY (journal switch under another writer) land here
      throw openDatabaseError('SQLite', this.alias, name, err)
    }
    try {
      if (initCommand !== undefined) db.exec(initCommand)
    } catch (err) {
      db.close()
      throw initCommandError(this.alias, err)
    }
    this.lifecycleLogger.info(`SQLite database opened for alias '${this.alias}'`, {
      alias: this.alias,
      journal_mode: actualMode,
      timeout_ms: timeoutMs,
    })
    this.lifecycleLogger.debug(`alias '${this.alias}' uses the SQLite file '${name}'`, {
      alias: this.alias,
      database: name,
    })
    return new SqliteSession(db)
  }

  /** better-sqlite3 answers synchronously: a free, open connection is leased without a promise. */
  leaseNow(): SyncSessionLease | undefined {
    return this.leaseIfFree()
  }

  mapError(err: unknown, context: { sql?: string; params?: readonly unknown[] }): DormError {
    return mapSqliteError(err, { ...context, alias: this.alias })
  }

  #setJournalMode(db: BetterSqlite3.Database, wanted: JournalMode): string {
    const actual = String(db.pragma(`journal_mode = ${wanted}`, { simple: true })).toUpperCase()
    if (actual !== wanted) {
      // SQLite answers with the mode it kept when it cannot switch (e.g. WAL on a network share)
      this.logger.warning(
        `SQLite kept journal_mode ${actual} for alias '${this.alias}' instead of ${wanted}` +
          (wanted === 'WAL' ? ': WAL needs shared memory, which this file system may not offer' : ''),
        { alias: this.alias, wanted, actual },
      )
    }
    return actual
  }
}

/**
 * The backend of one SQLite alias. Settings are validated now; the file opens on first checkout
 * with OPTIONS.timeout (busy timeout, ms, default 5000), OPTIONS.journal_mode (default WAL for
 * files), `foreign_keys = ON`, then OPTIONS.init_command when set.
 *
 * @example
 * ```ts
 * const backend = createSqliteBackend('default', { ENGINE: 'sqlite', NAME: 'db.sqlite3', OPTIONS: {}, ...POOL_DEFAULTS })
 * const lease = await backend.acquire()
 * try {
 *   await lease.session.query('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)', [])
 * } finally {
 *   lease.release()
 * }
 * await backend.close()
 * ```
 */
export function createSqliteBackend(alias: string, settings: ResolvedDatabaseSettings): Backend {
  return new SqliteBackend(alias, readSqliteOptions(alias, settings), settings.POOL_TIMEOUT * 1000)
}

/**
 * SQLite has the REGEXP operator but no implementation: `X REGEXP Y` calls `regexp(Y, X)`. dorm
 * provides one with JavaScript's RegExp; a leading `(?i)` makes it case-insensitive (the `iregex`
 * lookup). Compiled patterns are cached because the same pattern runs once per row.
 */
function registerRegexp(db: BetterSqlite3.Database): void {
  const cache = new Map<string, RegExp>()
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (pattern === null || value === null) return null
    const source = String(pattern)
    let re = cache.get(source)
    if (re === undefined) {
      re = source.startsWith('(?i)') ? new RegExp(source.slice(4), 'iu') : new RegExp(source, 'u')
      if (cache.size > 200) cache.clear()
      cache.set(source, re)
    }
    return re.test(String(value)) ? 1 : 0
  })
}
