/**
 * Maps SQLite result codes to dorm error classes. better-sqlite3 and libsql both report SQLite's own
 * codes (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY`, ...), so the libsql backend reuses this mapping.
 */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  DatabaseError,
  type DatabaseErrorOptions,
  DataError,
  DormError,
  ImproperlyConfigured,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'

/**
 * What the caller knows about the failed statement.
 *
 * @example
 * ```ts
 * const context: SqliteErrorContext = { sql: 'SELECT ?', params: [1], alias: 'default' }
 * ```
 */
export interface SqliteErrorContext {
  sql?: string
  params?: readonly unknown[]
  alias?: string
}

/**
 * A parameter the session refused before it reached the driver (an `undefined`, an invalid Date).
 * Sessions throw it raw; {@link mapSqliteError} turns it into a {@link ProgrammingError} carrying the
 * pipeline's redacted params rather than the raw ones.
 *
 * @example
 * ```ts
 * throw new InvalidParameterError('Parameter 1 is undefined. Pass null for SQL NULL.')
 * ```
 */
export class InvalidParameterError extends TypeError {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidParameterError'
  }
}

/**
 * SQLite's primary result codes by number (the low byte of an extended code).
 *
 * @example
 * ```ts
 * SQLITE_PRIMARY_CODES[2067 & 0xff] // 'SQLITE_CONSTRAINT' (2067 is SQLITE_CONSTRAINT_UNIQUE)
 * ```
 */
export const SQLITE_PRIMARY_CODES: Readonly<Record<number, string>> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
}

type DatabaseErrorClass = new (message: string, options?: DatabaseErrorOptions) => DatabaseError

// Beyond BUSY/LOCKED/CANTOPEN/IOERR, the codes Python's sqlite3 module also calls operational:
// they describe the file or the machine (disk full, read-only mount), not the statement.
const CLASS_BY_PRIMARY_CODE: Readonly<Record<string, DatabaseErrorClass>> = {
  SQLITE_BUSY: OperationalError,
  SQLITE_LOCKED: OperationalError,
  SQLITE_CANTOPEN: OperationalError,
  SQLITE_IOERR: OperationalError,
  SQLITE_FULL: OperationalError,
  SQLITE_READONLY: OperationalError,
  SQLITE_PERM: OperationalError,
  SQLITE_PROTOCOL: OperationalError,
  SQLITE_NOLFS: OperationalError,
  SQLITE_INTERRUPT: OperationalError,
  SQLITE_ABORT: OperationalError,
  SQLITE_CONSTRAINT: IntegrityError,
  SQLITE_ERROR: ProgrammingError,
  SQLITE_RANGE: ProgrammingError,
  SQLITE_MISUSE: ProgrammingError,
  SQLITE_TOOBIG: DataError,
  SQLITE_MISMATCH: DataError,
}

const HINT_BY_PRIMARY_CODE: Readonly<Record<string, string>> = {
  SQLITE_BUSY:
    'Another connection holds the lock. Keep write transactions short, raise OPTIONS.timeout (ms), ' +
    'or use journal_mode WAL so readers do not block the writer.',
  SQLITE_LOCKED: 'A table is locked by another statement on the same database. Finish or close open streams first.',
  SQLITE_CANTOPEN: 'Check that the path exists and the process may read and write it.',
  SQLITE_READONLY: 'The database file or its folder is read-only for this process.',
  SQLITE_FULL: 'The disk (or the temp directory) is full.',
}

/**
 * The SQLite code of a driver error: the extended one when the driver has it
 * (`SQLITE_CONSTRAINT_UNIQUE` rather than `SQLITE_CONSTRAINT`), else `undefined`.
 *
 * @example
 * ```ts
 * sqliteCodeOf({ code: 'SQLITE_BUSY' }) // 'SQLITE_BUSY'
 * ```
 */
export function sqliteCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const { extendedCode, code } = err as { extendedCode?: unknown; code?: unknown }
  if (typeof extendedCode === 'string' && extendedCode.startsWith('SQLITE_')) return extendedCode
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code
  return undefined
}

/**
 * The primary code of a (possibly extended) SQLite code.
 *
 * @example
 * ```ts
 * primarySqliteCode('SQLITE_IOERR_SHORT_READ') // 'SQLITE_IOERR'
 * ```
 */
export function primarySqliteCode(code: string): string {
  const match = /^SQLITE_[A-Z]+/.exec(code)
  return match === null ? code : match[0]
}

function withHint(message: string, code: string): string {
  const hint = HINT_BY_PRIMARY_CODE[primarySqliteCode(code)]
  return hint === undefined ? `${message} (${code})` : `${message} (${code}). ${hint}`
}

/** The options of a wrapped driver error: the cause plus whatever context is known. Shared with libsql. */
export function sqliteErrorOptions(
  err: unknown,
  context: SqliteErrorContext,
  vendorCode?: string,
): DatabaseErrorOptions {
  const opts: DatabaseErrorOptions = { cause: err }
  if (context.sql !== undefined) opts.sql = context.sql
  if (context.params !== undefined) opts.params = context.params
  if (context.alias !== undefined) opts.alias = context.alias
  if (vendorCode !== undefined) opts.vendorCode = vendorCode
  return opts
}

/**
 * Builds the dorm error for an SQLite code and message (used directly by libsql, whose open errors
 * carry only a number).
 *
 * @example
 * ```ts
 * sqliteErrorFromCode('SQLITE_BUSY', 'database is locked', cause, { alias: 'default' }) // OperationalError
 * ```
 */
export function sqliteErrorFromCode(
  code: string,
  message: string,
  cause: unknown,
  context: SqliteErrorContext,
): DatabaseError {
  const ErrorClass = CLASS_BY_PRIMARY_CODE[primarySqliteCode(code)] ?? DatabaseError
  return new ErrorClass(withHint(message, code), sqliteErrorOptions(cause, context, code))
}

/**
 * Turns a better-sqlite3 (or libsql) error into the matching dorm error, keeping the driver error
 * as `cause` plus the SQL, params, alias and SQLite code. A dorm error passes through unchanged.
 *
 * @example
 * ```ts
 * try {
 *   db.prepare('INSERT INTO t (id) VALUES (?)').run(1)
 * } catch (err) {
 *   throw mapSqliteError(err, { sql, params: [1], alias: 'default' }) // IntegrityError, vendorCode SQLITE_CONSTRAINT_PRIMARYKEY
 * }
 * ```
 */
export function mapSqliteError(err: unknown, context: SqliteErrorContext = {}): DormError {
  if (err instanceof DormError) return err
  const code = sqliteCodeOf(err)
  const message = err instanceof Error ? err.message : String(err)
  if (code !== undefined) return sqliteErrorFromCode(code, message, err, context)
  if (err instanceof InvalidParameterError) return new ProgrammingError(message, sqliteErrorOptions(err, context))
  // better-sqlite3 checks some things itself and throws plain TypeError/RangeError without a code
  if (message.includes('database connection is not open')) {
    return new InterfaceError(
      `${message}. The SQLite connection was closed; get a new one with getConnection() (after configure() if ` +
        'the settings were reset).',
      sqliteErrorOptions(err, context),
    )
  }
  if (message.includes('its connection was released')) {
    return new InterfaceError(
      `${message}. Consume a stream fully (or break out of it) while its connection is checked out.`,
      sqliteErrorOptions(err, context),
    )
  }
  if (message.includes('directory does not exist')) {
    return new OperationalError(
      `${message}. Create the folder first: dorm does not create parent directories.`,
      sqliteErrorOptions(err, context, 'SQLITE_CANTOPEN'),
    )
  }
  if (message.includes('busy executing a query')) {
    return new ProgrammingError(
      `${message}. A stream is still open on this connection (SQLite allows no other statement while one ` +
        'iterates): finish the stream, or break out of it, before running the next statement.',
      sqliteErrorOptions(err, context),
    )
  }
  if (
    /parameter values were provided|more than one statement|can only bind|Missing named parameter/.test(message) ||
    message.includes('does not return data')
  ) {
    return new ProgrammingError(message, sqliteErrorOptions(err, context))
  }
  return new DatabaseError(message, sqliteErrorOptions(err, context))
}

/**
 * Whether a mapped error is SQLite's "try again": SQLITE_BUSY or SQLITE_LOCKED (any extended form).
 * The query path retries those outside transactions.
 *
 * @example
 * ```ts
 * isTransientSqliteError(mapSqliteError(busyError)) // true
 * ```
 */
export function isTransientSqliteError(err: DormError): boolean {
  if (!(err instanceof OperationalError) || err.vendorCode === undefined) return false
  const primary = primarySqliteCode(err.vendorCode)
  return primary === 'SQLITE_BUSY' || primary === 'SQLITE_LOCKED'
}

/**
 * The error for a database file that would not open, naming the path. A missing folder gets its
 * own message: SQLite creates the file but never its folder, and neither does dorm.
 *
 * @example
 * ```ts
 * openDatabaseError('SQLite', 'default', 'data/app.db', err)
 * // OperationalError: Cannot open the SQLite database '/srv/data/app.db' of alias 'default': the folder ...
 * ```
 */
export function openDatabaseError(
  label: 'SQLite' | 'libsql',
  alias: string,
  name: string,
  err: unknown,
  vendorCode?: string,
): DormError {
  if (err instanceof ImproperlyConfigured) return err
  const path = resolve(name)
  const folder = dirname(path)
  const message = err instanceof Error ? err.message : String(err)
  if (message.includes('directory does not exist') || !existsSync(folder)) {
    return new OperationalError(
      `Cannot open the ${label} database '${path}' of alias '${alias}': the folder '${folder}' does not exist. ` +
        `Create it (e.g. \`mkdir -p ${folder}\`) or fix NAME; dorm does not create folders.`,
      { alias, cause: err, vendorCode: 'SQLITE_CANTOPEN' },
    )
  }
  const code = vendorCode ?? sqliteCodeOf(err) ?? 'SQLITE_CANTOPEN'
  return new OperationalError(`Cannot open the ${label} database '${path}' of alias '${alias}': ${message}`, {
    alias,
    cause: err,
    vendorCode: code,
  })
}

/**
 * The error of an OPTIONS.init_command that SQLite refused on a new connection: a settings mistake,
 * so ImproperlyConfigured, naming the alias and SQLite's own message.
 *
 * @example
 * ```ts
 * try { db.exec(initCommand) } catch (err) { throw initCommandError('default', err) }
 * ```
 */
export function initCommandError(alias: string, err: unknown): ImproperlyConfigured {
  const message = err instanceof Error ? err.message : String(err)
  return new ImproperlyConfigured(
    `DATABASES['${alias}'].OPTIONS.init_command failed on a new connection: ${message}. ` +
      "Fix the SQL (statements separated by ';', e.g. 'PRAGMA cache_size = -4000') or remove the option.",
    { cause: err },
  )
}
