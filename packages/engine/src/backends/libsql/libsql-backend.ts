/**
 * The libsql backend: one @libsql/client client per alias behind a FIFO gate, on a local file, an
 * embedded replica (a local file kept in sync with SYNC_URL) or, with NAME ':memory:' and a
 * SYNC_URL, the remote database itself. The client loads on the first checkout.
 */
import { resolve } from 'node:path'
import type { Client, Config } from '@libsql/client'
import type { ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { DatabaseError, type DormError, ImproperlyConfigured } from '../../errors.js'
import type { Backend } from '../base/base-connection.js'
import { initCommandError, openDatabaseError } from '../sqlite/sqlite-errors.js'
import { GatedSqliteBackend } from '../sqlite/sqlite-gated-backend.js'
import { readSqliteOptions, type SqliteOptions } from '../sqlite/sqlite-options.js'
import { isTransientLibsqlError, libsqlOpenFailureCode, mapLibsqlError } from './libsql-errors.js'
import { LibsqlSession } from './libsql-session.js'

type CreateClient = (config: Config) => Client

let driver: Promise<CreateClient> | undefined

/** Loads @libsql/client once, on first use; a failed load is retried next time (after an install). */
function loadLibsqlClient(): Promise<CreateClient> {
  driver ??= import('@libsql/client').then(
    (mod) => mod.createClient,
    (err: unknown) => {
      driver = undefined
      throw new ImproperlyConfigured(
        "ENGINE 'libsql' needs the @libsql/client package, which could not be loaded. " +
          'Run `npm install @libsql/client@0.18`.',
        { cause: err },
      )
    },
  )
  return driver
}

/** `file:` URL of a local path. The client percent-decodes the path and stops it at `?` or `#`. */
function fileUrl(path: string): string {
  return `file:${resolve(path).replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

/** How the client reaches the data. */
type LibsqlMode = 'local' | 'memory' | 'replica' | 'remote'

function modeOf(options: SqliteOptions, syncUrl: string | undefined): LibsqlMode {
  if (syncUrl === undefined || syncUrl === '') return options.memory ? 'memory' : 'local'
  return options.memory ? 'remote' : 'replica'
}

class LibsqlBackend extends GatedSqliteBackend<LibsqlSession> {
  readonly vendor = 'libsql' as const
  readonly #options: SqliteOptions
  readonly #settings: ResolvedDatabaseSettings
  readonly #mode: LibsqlMode

  constructor(alias: string, settings: ResolvedDatabaseSettings, options: SqliteOptions) {
    // a remote-only alias has no connection-local data to lose, unlike a true :memory: database
    const mode = modeOf(options, settings.SYNC_URL)
    super(alias, options.name, mode === 'memory', settings.POOL_TIMEOUT * 1000)
    this.#options = options
    this.#settings = settings
    this.#mode = mode
  }

  protected async openSession(): Promise<LibsqlSession> {
    const createClient = await loadLibsqlClient()
    const { name, timeoutMs, journalMode, initCommand } = this.#options
    const mode = this.#mode
    const syncUrl = this.#settings.SYNC_URL
    const config: Config = {
      url: mode === 'remote' ? (syncUrl as string) : mode === 'memory' ? ':memory:' : fileUrl(name),
      // one connection, as for SQLite: per-connection state (pragmas, temp tables) then holds for the alias
      concurrency: 1,
      timeout: timeoutMs,
    }
    if (this.#settings.AUTH_TOKEN !== undefined) config.authToken = this.#settings.AUTH_TOKEN
    if (mode === 'replica') config.syncUrl = syncUrl
    let client: Client
    try {
      client = createClient(config)
    } catch (err) {
      if (mode === 'remote') throw mapLibsqlError(err, { alias: this.alias })
      throw openDatabaseError('libsql', this.alias, name, err, libsqlOpenFailureCode(err))
    }
    const session = new LibsqlSession(client)
    let actualMode: string | undefined
    try {
      if (mode === 'local' && journalMode !== undefined) actualMode = await this.#setJournalMode(session, journalMode)
      if (mode === 'replica' && journalMode !== undefined && journalMode !== 'WAL') {
        this.logger.warning(`journal_mode ${journalMode} ignored for the embedded replica of alias '${this.alias}'`, {
          alias: this.alias,
        })
      }
      if (mode !== 'remote') await session.query('PRAGMA foreign_keys = ON', [])
    } catch (err) {
      session.close()
      const mapped = mapLibsqlError(err, { alias: this.alias })
      if (mode === 'remote') throw mapped
      // NOTADB (not a database file) and BUSY (journal switch under another writer) land here
      throw openDatabaseError(
        'libsql',
        this.alias,
        name,
        err,
        mapped instanceof DatabaseError ? mapped.vendorCode : undefined,
      )
    }
    if (initCommand !== undefined) {
      try {
        await client.executeMultiple(initCommand)
      } catch (err) {
        session.close()
        throw initCommandError(this.alias, err)
      }
    }
    this.lifecycleLogger.info(`libsql client opened for alias '${this.alias}' (${mode})`, {
      alias: this.alias,
      mode,
      journal_mode: actualMode,
      timeout_ms: timeoutMs,
    })
    return session
  }

  mapError(err: unknown, context: { sql?: string; params?: readonly unknown[] }): DormError {
    return mapLibsqlError(err, { ...context, alias: this.alias })
  }

  override isTransient(err: DormError): boolean {
    return isTransientLibsqlError(err)
  }

  async #setJournalMode(session: LibsqlSession, wanted: string): Promise<string> {
    const { rows } = await session.query(`PRAGMA journal_mode = ${wanted}`, [])
    const actual = String(rows[0]?.journal_mode ?? '').toUpperCase()
    if (actual !== wanted) {
      this.logger.warning(`libsql kept journal_mode ${actual} for alias '${this.alias}' instead of ${wanted}`, {
        alias: this.alias,
        wanted,
        actual,
      })
    }
    return actual
  }
}

/**
 * The backend of one libsql alias. NAME is a local file (or `:memory:`); with SYNC_URL (and
 * AUTH_TOKEN) the file is an embedded replica of that remote database, and NAME `:memory:` plus
 * SYNC_URL talks to the remote database directly. OPTIONS.timeout (busy timeout, ms, default 5000)
 * and OPTIONS.journal_mode (default WAL for local files) apply as for SQLite.
 *
 * @example
 * ```ts
 * const backend = createLibsqlBackend('edge', { ENGINE: 'libsql', NAME: 'local.db', OPTIONS: {}, ...POOL_DEFAULTS })
 * const lease = await backend.acquire()
 * try {
 *   await lease.session.query('SELECT 1 AS one', []) // { rows: [{ one: 1 }], rowCount: 1 }
 * } finally {
 *   lease.release()
 * }
 * ```
 */
export function createLibsqlBackend(alias: string, settings: ResolvedDatabaseSettings): Backend {
  return new LibsqlBackend(alias, settings, readSqliteOptions(alias, settings))
}
