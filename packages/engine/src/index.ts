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
  migrationTableLockTimeoutMs,
  onSettingsChanged,
  readAfterWriteWindow,
  resetSettings,
  retryAttempts,
  retryBackoff,
  slowQueryMs,
} from './conf/settings.js'
export { type BudgetLimits, budget, currentBudget, type EffectiveBudget } from './db/budget.js'
export { DatabaseConnection, type StreamOptions } from './db/connection.js'
export { closeAll, getConnection, poolStats, type UninitialisedPoolStats } from './db/connection-registry.js'
export {
  type BreakerChangeEvent,
  type BudgetExceededEvent,
  type DormEvent,
  type DormEventListener,
  emitDormEvent,
  hasDormEventListeners,
  onDormEvent,
  type PoolTimeoutEvent,
  type ReplicaDeflectionEvent,
  type RetryEvent,
  resetDormEventListeners,
  type SlowQueryEvent,
  type StampedDormEvent,
  type StickyPinEvent,
} from './db/events.js'
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
export {
  addPoolObserver,
  type PoolCheckoutEvent,
  type PoolGauges,
  type PoolObserver,
  type PoolReleaseEvent,
  type PoolTimeoutObservation,
  poolGaugesOf,
} from './db/pool-observers.js'
export {
  addQueryObserver,
  type QueryEnd,
  type QueryObserver,
  type QueryStart,
} from './db/query-observers.js'
export { readAfterWriteScope } from './db/read-after-write.js'
export { addSensitiveColumnPatterns, REDACTED, redactParams } from './db/redact.js'
export {
  currentRelationAccess,
  markRelationAccess,
  type RelationAccess,
  type RelationAccessKind,
  runAsRelationAccess,
} from './db/relation-access.js'
export { allowMigrate, dbForRead, dbForWrite, type Router, type RouterHints } from './db/router.js'
export { type ScopedQueryHandlers, ScopedQueryObserver } from './db/scoped-query-observer.js'
export { type SqlSummary, summarizeSql } from './db/sql-summary.js'
export { type AtomicOptions, atomic, inTransaction, onCommit } from './db/transaction.js'
export { type DoctorIssue, type DoctorReport, formatDoctorReport, runDoctor } from './doctor/doctor.js'
export {
  BudgetExceeded,
  type BudgetExceededOptions,
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
export { CheckConstraint, type Constraint, Index, UniqueConstraint } from './models/constraints.js'
export * from './models/fields/index.js'
export { ManyRelatedManager } from './models/many-related-manager.js'
export {
  defineModel,
  type Instance,
  Model,
  type ModelClass,
  type ModelInstance,
  RelatedManager,
  type SaveOptions,
} from './models/model.js'
export { type MetaOptions, type ModelClassLike, ModelMeta, type RelatedObject } from './models/model-meta.js'
export type { FieldMap, FilterOf, InitOf, RowOf, ValuesRow } from './models/model-types.js'
export { allModels, clearRegistry, getModel } from './models/registry.js'
export { Aggregate, Avg, Count, Max, Min, Sum } from './query/aggregates.js'
export { ProtectedError } from './query/deletion.js'
export { F, Q, QObject, Value } from './query/expressions.js'
export { Manager } from './query/manager.js'
export { QuerySet } from './query/queryset.js'
export { createModelSql, dropModelSql, dropModelStatements, junctionSql } from './schema/create-model-sql.js'
export {
  type IntrospectedColumn,
  type IntrospectedForeignKey,
  type IntrospectedIndex,
  type IntrospectedSchema,
  type IntrospectedTable,
  introspect,
  normalizeColumnType,
} from './schema/introspection.js'
export { compareSchema, type DiffFinding, diffSchema, type SchemaDiff } from './schema/schema-diff.js'
export {
  type ConnectOptions,
  type DeletePayload,
  type PostQueryPayload,
  type PreQueryPayload,
  postDelete,
  postQuery,
  postSave,
  preDelete,
  preQuery,
  preSave,
  type SavePayload,
  Signal,
} from './signals.js'
