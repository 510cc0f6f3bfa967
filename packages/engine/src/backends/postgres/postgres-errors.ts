/**
 * Maps node-postgres errors (SQLSTATE codes, socket errno names, client state messages) to dorm's
 * error classes, and says which are connection-class failures worth a retry.
 */

import { redactErrorDetail } from '../../db/redact.js'
import {
  DatabaseError,
  type DatabaseErrorOptions,
  DataError,
  DormError,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'

/** Socket errno names that mean the server could not be reached or dropped us. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENOENT',
])

/** SQLSTATEs outside class 08 that still mean "the server went away or is not ready". */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])

/** Errno names not worth retrying: a wrong host name will not resolve on the next attempt. */
const PERMANENT_SOCKET_ERRORS = new Set(['ENOTFOUND', 'ENOENT'])

const TERMINATED = /Connection terminated|terminating connection|server closed the connection/i
const NOT_QUERYABLE = /not queryable|Client has already been connected|Client was closed/i

interface PgLikeError {
  code?: unknown
  message?: unknown
  detail?: unknown
  hint?: unknown
  address?: unknown
  port?: unknown
}

function describeSocketError(code: string, raw: PgLikeError, message: string): string {
  const where = typeof raw.address === 'string' ? ` by ${raw.address}${raw.port ? `:${String(raw.port)}` : ''}` : ''
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused${where} (${code}). Check that PostgreSQL is running and that HOST and PORT are right.`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `could not resolve the database host (${code}: ${message}). Check HOST in DATABASES.`
    case 'ENOENT':
      return `no PostgreSQL socket at the configured path (${message}). Check HOST (a socket directory) and PORT.`
    case 'ETIMEDOUT':
      return `connection timed out (${message}). Check network access to the database host.`
    default:
      return `connection lost (${code}: ${message}). The server or the network dropped the connection.`
  }
}

/**
 * Wraps any error thrown by `pg` into the matching dorm error, keeping it as `cause`.
 *
 * @example
 * ```ts
 * mapPostgresError(pgError, { sql: 'INSERT ...', params: ['***'] }) // IntegrityError for 23505
 * ```
 */
export function mapPostgresError(
  err: unknown,
  context: { sql?: string; params?: readonly unknown[]; alias?: string },
): DormError {
  if (err instanceof DormError) return err
  const raw = (typeof err === 'object' && err !== null ? err : {}) as PgLikeError
  const code = typeof raw.code === 'string' ? raw.code : undefined
  const message = typeof raw.message === 'string' ? raw.message : String(err)
  const options: DatabaseErrorOptions = { cause: err, ...context }
  if (code !== undefined) options.vendorCode = code

  if (code !== undefined && SOCKET_ERRORS.has(code)) {
    return new OperationalError(describeSocketError(code, raw, message), options)
  }
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    // the server echoes values in DETAIL (`Key (password)=(...)`): hide secrets there and in the cause
    if (typeof raw.detail === 'string') raw.detail = redactErrorDetail(raw.detail)
    const detail = typeof raw.detail === 'string' ? ` DETAIL: ${raw.detail}` : ''
    let hint = typeof raw.hint === 'string' ? ` HINT: ${raw.hint}` : ''
    // pg sends a JS string's NUL as is, and the server names it only by its byte
    if (code === '22021' && message.includes('0x00')) {
      hint += ' A text value holds a NUL character (\\u0000), which PostgreSQL cannot store: remove it first.'
    }
    const text = `${message} (SQLSTATE ${code})${detail}${hint}`
    const cls = code.slice(0, 2)
    if (cls === '23') return new IntegrityError(text, options)
    if (cls === '22') return new DataError(text, options)
    if (cls === '08' || cls === '53' || cls === '57' || cls === '40' || cls === '55' || cls === '58') {
      return new OperationalError(text, options)
    }
    if (cls === '42' || cls === '0A' || cls === '3F' || cls === '26' || cls === '34' || cls === '25' || cls === '28') {
      return new ProgrammingError(text, options)
    }
    return new DatabaseError(text, options)
  }
  if (NOT_QUERYABLE.test(message)) {
    return new InterfaceError(`${message}: the connection is unusable; dorm discards it.`, options)
  }
  if (TERMINATED.test(message) || /timeout/i.test(message)) {
    return new OperationalError(`connection lost: ${message}`, options)
  }
  return new DatabaseError(message, options)
}

/**
 * True for connection-class failures (refused, reset, terminated, admin shutdown, server starting
 * up, too many connections) that a retry outside a transaction can cure.
 */
export function isTransientPostgresError(err: DormError): boolean {
  if (!(err instanceof OperationalError || err instanceof InterfaceError)) return false
  const code = err.vendorCode
  if (code !== undefined) {
    if (PERMANENT_SOCKET_ERRORS.has(code)) return false
    if (SOCKET_ERRORS.has(code)) return true
    if (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code)) return true
    return false
  }
  return err instanceof InterfaceError || TERMINATED.test(err.message) || /connection lost/.test(err.message)
}

/** Whether the error means the connection it happened on can no longer be used. */
export function isBrokenConnectionError(err: DormError): boolean {
  if (err instanceof InterfaceError) return true
  if (!(err instanceof OperationalError)) return false
  const code = err.vendorCode
  if (code === undefined) return true
  return SOCKET_ERRORS.has(code) || code.startsWith('08') || code.startsWith('57P')
}
