/**
 * Maps @libsql/client errors to dorm errors. SQL failures carry SQLite's own codes (`code`
 * 'SQLITE_CONSTRAINT', `extendedCode` 'SQLITE_CONSTRAINT_UNIQUE'), so those go through the SQLite
 * mapping; this file only adds the client's own codes and its open failures.
 */
import { DataError, DormError, ImproperlyConfigured, InterfaceError, OperationalError } from '../../errors.js'
import {
  isTransientSqliteError,
  mapSqliteError,
  SQLITE_PRIMARY_CODES,
  type SqliteErrorContext,
  sqliteErrorFromCode,
  sqliteErrorOptions,
} from '../sqlite/sqlite-errors.js'

// the remote protocol's failures: the server or the network, not the statement
const REMOTE_FAILURES = new Set([
  'HRANA_WEBSOCKET_ERROR',
  'HRANA_CLOSED_ERROR',
  'HRANA_PROTO_ERROR',
  'SERVER_ERROR',
  'PROTOCOL_VERSION_ERROR',
])

const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'])

/**
 * The SQLite code hidden in the message of a failed local open, which libsql throws as a plain
 * Error with an empty `code`: `ConnectionFailed("Unable to open connection to local database x.db: 14")`.
 *
 * @example
 * ```ts
 * libsqlOpenFailureCode(new Error('ConnectionFailed("Unable to open ...: 14")')) // 'SQLITE_CANTOPEN'
 * ```
 */
export function libsqlOpenFailureCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined
  const match = /^ConnectionFailed\(.*:\s*(\d+)"?\)\s*$/s.exec(err.message)
  if (match === null) return undefined
  const raw = Number(match[1])
  return SQLITE_PRIMARY_CODES[raw & 0xff] ?? 'SQLITE_CANTOPEN'
}

function errnoOf(err: unknown): string | undefined {
  for (let current = err, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_ERRNOS.has(code)) return code
    current = current.cause
  }
  return undefined
}

/**
 * Turns a libsql client error into the matching dorm error, keeping `cause`, SQL, params, alias and
 * the SQLite (or client) code as `vendorCode`. A dorm error passes through unchanged.
 *
 * @example
 * ```ts
 * try {
 *   await client.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: [1] })
 * } catch (err) {
 *   throw mapLibsqlError(err, { sql: 'INSERT ...', params: [1], alias: 'edge' }) // IntegrityError
 * }
 * ```
 */
export function mapLibsqlError(err: unknown, context: SqliteErrorContext = {}): DormError {
  if (err instanceof DormError) return err
  const message = err instanceof Error ? err.message : String(err)
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  switch (code) {
    case 'CLIENT_CLOSED':
      return new InterfaceError(
        `${message}. The libsql client was closed; get a new connection with getConnection() (after configure() ` +
          'if the settings were reset).',
        sqliteErrorOptions(err, context, code),
      )
    case 'TRANSACTION_CLOSED':
    case 'TRANSACTION_ACTIVE':
      return new InterfaceError(message, sqliteErrorOptions(err, context, code))
    case 'URL_INVALID':
    case 'URL_SCHEME_NOT_SUPPORTED':
    case 'URL_PARAM_NOT_SUPPORTED':
    case 'SYNC_NOT_SUPPORTED':
    case 'ENCRYPTION_KEY_NOT_SUPPORTED':
      return new ImproperlyConfigured(
        `${message}. Check NAME, SYNC_URL and AUTH_TOKEN of DATABASES['${context.alias ?? 'default'}'].`,
        { cause: err },
      )
  }
  if (typeof code === 'string' && REMOTE_FAILURES.has(code)) {
    return new OperationalError(
      `${message}. The libsql server could not be reached or failed.`,
      sqliteErrorOptions(err, context, code),
    )
  }
  const openCode = libsqlOpenFailureCode(err)
  if (openCode !== undefined) return sqliteErrorFromCode(openCode, message, err, context)
  const errno = errnoOf(err)
  if (errno !== undefined) {
    return new OperationalError(
      `${message} (${errno}). The libsql server could not be reached.`,
      sqliteErrorOptions(err, context, errno),
    )
  }
  if (err instanceof RangeError && message.includes('cannot be safely represented')) {
    // the client reads integers as JS numbers and refuses, rather than rounds, any beyond 2^53
    return new DataError(
      `${message}. Read such columns as text (CAST(col AS TEXT)) or keep them within Number.MAX_SAFE_INTEGER.`,
      sqliteErrorOptions(err, context),
    )
  }
  return mapSqliteError(err, context)
}

/**
 * Whether a mapped libsql error is worth another attempt outside a transaction: SQLite busy/locked,
 * or the remote server being unreachable.
 *
 * @example
 * ```ts
 * isTransientLibsqlError(mapLibsqlError(busyError)) // true
 * ```
 */
export function isTransientLibsqlError(err: DormError): boolean {
  if (isTransientSqliteError(err)) return true
  if (!(err instanceof OperationalError) || err.vendorCode === undefined) return false
  return REMOTE_FAILURES.has(err.vendorCode) || NETWORK_ERRNOS.has(err.vendorCode)
}
