/**
 * @dorm/engine: settings, connections and pools, the query pipeline, health and pool stats,
 * transactions, signals and logging.
 *
 * @example
 * ```ts
 * import { configure, getConnection, healthCheck, poolStats } from '@dorm/engine'
 * configure({ DATABASES: { default: process.env.DATABASE_URL ?? 'sqlite:///./db.sqlite3' } })
 * await getConnection().execute('SELECT 1')
 * console.log(await healthCheck({ deep: true }), poolStats())
 * ```
 */
export type {
  Backend,
  CompactPoolStats,
  DriverSession,
  PoolStatsReport,
  QueryResult,
  Row,
  SessionLease,
  Vendor,
} from './backends/base/base-connection.js'
export type {
  DatabaseEntry,
  DatabaseSettings,
  Engine,
  ResolvedDatabaseSettings,
} from './conf/database-settings.js'
export { POOL_DEFAULTS, resolveDatabaseSettings } from './conf/database-settings.js'
export { maskUrlPassword, parseDatabaseUrl } from './conf/database-url.js'
export type { DormSettings } from './conf/settings.js'
export {
  configure,
  databaseAliases,
  getDatabaseSettings,
  getSettings,
  onSettingsChanged,
  readAfterWriteWindow,
  resetSettings,
  retryAttempts,
  retryBackoff,
  slowQueryMs,
} from './conf/settings.js'
export { DatabaseConnection, type StreamOptions } from './db/connection.js'
export { closeAll, getConnection, poolStats, type UninitialisedPoolStats } from './db/connection-registry.js'
export { type HealthCheckOptions, type HealthReport, healthCheck } from './db/health.js'
export {
  addLogSink,
  getLogger,
  LOG_LEVELS,
  Logger,
  type LogLevel,
  type LogRecord,
  type LogSink,
  resetLogging,
  setLogLevel,
} from './db/logging.js'
export { addSensitiveColumnPatterns, REDACTED, redactParams } from './db/redact.js'
export { type AtomicOptions, atomic, inTransaction, onCommit } from './db/transaction.js'
export {
  BudgetExceeded,
  CircuitOpenError,
  DatabaseError,
  DataError,
  DoesNotExist,
  DormError,
  describeError,
  FieldError,
  ImproperlyConfigured,
  IntegrityError,
  InterfaceError,
  MigrationError,
  MultipleObjectsReturned,
  NPlusOneError,
  OperationalError,
  PoolTimeout,
  ProgrammingError,
  ValidationError,
} from './errors.js'
export {
  type ConnectOptions,
  type PostQueryPayload,
  type PreQueryPayload,
  postQuery,
  preQuery,
  Signal,
} from './signals.js'
