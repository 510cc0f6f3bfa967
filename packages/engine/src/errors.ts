/**
 * The error classes dorm raises. Every error has a stable string `code`, a message that says what
 * happened and how to fix it, and (for database errors) the SQL and the redacted params.
 *
 * @example
 * ```ts
 * import { getConnection, IntegrityError } from '@dorm/engine'
 * try {
 *   await getConnection().execute('INSERT INTO t (id) VALUES ($1)', [1])
 * } catch (err) {
 *   if (err instanceof IntegrityError) console.log(err.code, err.sql)
 * }
 * ```
 */
/**
 * Each class's name as a string, set at the end of this file: a minifier (a bundled, minified server
 * build such as a Next.js app's) may leave the classes anonymous, and `err.name` must still say
 * `OperationalError`.
 */
const ERROR_NAMES = new Map<abstract new (...args: never[]) => unknown, string>()

export class DormError extends Error {
  /** Stable identifier of the error kind, safe to branch on. */
  readonly code: string

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = ERROR_NAMES.get(new.target) ?? new.target.name
    this.code = options.code ?? 'DORM_ERROR'
  }
}

/** The settings are wrong: the message names the key and the fix. */
export class ImproperlyConfigured extends DormError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'IMPROPERLY_CONFIGURED', ...options })
  }
}

/** Options accepted by every database error. */
export interface DatabaseErrorOptions {
  cause?: unknown
  /** The statement that failed, if any. */
  sql?: string
  /** The bound params, with sensitive values masked. */
  params?: readonly unknown[]
  /** Database alias the statement ran on. */
  alias?: string
  /** The vendor's own error code (SQLSTATE on PostgreSQL, SQLITE_* on SQLite, errno names for sockets). */
  vendorCode?: string
  code?: string
}

/** Base of every error raised by a database driver, wrapped by dorm. */
export class DatabaseError extends DormError {
  readonly sql: string | undefined
  readonly params: readonly unknown[] | undefined
  readonly alias: string | undefined
  readonly vendorCode: string | undefined

  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: options.code ?? 'DATABASE_ERROR', cause: options.cause })
    this.sql = options.sql
    this.params = options.params
    this.alias = options.alias
    this.vendorCode = options.vendorCode
  }
}

/** The database could not be reached or dropped the connection (refused, reset, shut down, busy). */
export class OperationalError extends DatabaseError {
  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: 'OPERATIONAL_ERROR', ...options })
  }
}

/** The connection object itself is unusable (closed client, protocol misuse). */
export class InterfaceError extends DatabaseError {
  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: 'INTERFACE_ERROR', ...options })
  }
}

/** A constraint failed: unique, foreign key, not null, check. */
export class IntegrityError extends DatabaseError {
  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: 'INTEGRITY_ERROR', ...options })
  }
}

/** The statement is wrong: syntax, unknown table or column, bad permissions. */
export class ProgrammingError extends DatabaseError {
  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: 'PROGRAMMING_ERROR', ...options })
  }
}

/** A value does not fit its column (out of range, bad date, too long). */
export class DataError extends DatabaseError {
  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, { code: 'DATA_ERROR', ...options })
  }
}

/** No pooled connection became free within POOL_TIMEOUT. */
export class PoolTimeout extends DormError {
  readonly alias: string
  readonly timeoutMs: number

  constructor(message: string, options: { alias: string; timeoutMs: number; cause?: unknown }) {
    super(message, { code: 'POOL_TIMEOUT', cause: options.cause })
    this.alias = options.alias
    this.timeoutMs = options.timeoutMs
  }
}

/** `get()` found no row. */
export class DoesNotExist extends DormError {
  constructor(message: string) {
    super(message, { code: 'DOES_NOT_EXIST' })
  }
}

/** `get()` found more than one row. */
export class MultipleObjectsReturned extends DormError {
  constructor(message: string) {
    super(message, { code: 'MULTIPLE_OBJECTS_RETURNED' })
  }
}

/** An unknown field or lookup was used. */
export class FieldError extends DormError {
  constructor(message: string) {
    super(message, { code: 'FIELD_ERROR' })
  }
}

/** One or more values failed validation; `errors` maps each bad field to its messages. */
export class ValidationError extends DormError {
  readonly errors: Readonly<Record<string, readonly string[]>>

  constructor(message: string, errors: Record<string, readonly string[]> = {}) {
    super(message, { code: 'VALIDATION_ERROR' })
    this.errors = errors
  }
}

/** A migration could not be loaded, planned, applied or rolled back. */
export class MigrationError extends DormError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'MIGRATION_ERROR', ...options })
  }
}

/** Options of {@link BudgetExceeded}: the database error options plus which limit was hit. */
export interface BudgetExceededOptions extends DatabaseErrorOptions {
  /** The limit that was hit. */
  limit?: 'max_rows' | 'timeout_ms'
  /** The budget's value for that limit. */
  budget?: number
  /** What the statement used: rows returned (max_rows) or milliseconds (timeout_ms). */
  actual?: number
}

/**
 * A statement inside a `budget()` block returned more rows than its `maxRows`. A `DatabaseError`
 * subclass (as in the original), so handlers that catch database errors catch it too.
 */
export class BudgetExceeded extends DatabaseError {
  readonly limit: 'max_rows' | 'timeout_ms' | undefined
  readonly budget: number | undefined
  readonly actual: number | undefined

  constructor(message: string, options: BudgetExceededOptions = {}) {
    const { limit, budget, actual, ...rest } = options
    super(message, { code: 'BUDGET_EXCEEDED', ...rest })
    this.limit = limit
    this.budget = budget
    this.actual = actual
  }
}

/** A circuit breaker is open (or half open with its probe in flight) and refuses calls. */
export class CircuitOpenError extends DormError {
  /** The breaker's name. */
  readonly breaker: string | undefined
  /** Consecutive failures counted when the call was refused. */
  readonly failures: number | undefined
  /** Milliseconds until the breaker lets a probe through (0 while a probe is in flight). */
  readonly retryInMs: number | undefined

  constructor(message: string, options: { breaker?: string; failures?: number; retryInMs?: number } = {}) {
    super(message, { code: 'CIRCUIT_OPEN' })
    this.breaker = options.breaker
    this.failures = options.failures
    this.retryInMs = options.retryInMs
  }
}

/** The N+1 detector saw the same query template repeated past its threshold. */
export class NPlusOneError extends DormError {
  constructor(message: string) {
    super(message, { code: 'N_PLUS_ONE' })
  }
}

/**
 * `"<ErrorClass>: <message>"`: the short form health reports and logs use.
 *
 * @example
 * ```ts
 * describeError(new OperationalError('connection refused')) // 'OperationalError: connection refused'
 * ```
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return `Error: ${String(err)}`
}

// string keys survive minification; the classes' own names may not
for (const [name, errorClass] of Object.entries({
  DormError,
  ImproperlyConfigured,
  DatabaseError,
  OperationalError,
  InterfaceError,
  IntegrityError,
  ProgrammingError,
  DataError,
  PoolTimeout,
  DoesNotExist,
  MultipleObjectsReturned,
  FieldError,
  ValidationError,
  MigrationError,
  BudgetExceeded,
  CircuitOpenError,
  NPlusOneError,
})) {
  ERROR_NAMES.set(errorClass, name)
}
