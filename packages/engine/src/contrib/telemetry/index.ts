/**
 * `@dorm/engine/contrib/telemetry`: the payload schemas shared by the exporter and the dashboard
 * (and, next, the exporter itself: `startTelemetry`).
 *
 * @example
 * ```ts
 * import { telemetryBatchSchema, telemetryItemSchema, deployReportSchema } from '@dorm/engine/contrib/telemetry'
 * ```
 */
export {
  type DeployFinding,
  type DeployReport,
  deployFindingSchema,
  deployReportSchema,
  plannedMigrationSchema,
} from './deploy-report-schema.js'
export {
  type EventItem,
  eventItemSchema,
  type HealthItem,
  HISTOGRAM_SLOTS,
  healthItemSchema,
  MAX_BATCH_ITEMS,
  MAX_TEMPLATE_LENGTH,
  type PoolItem,
  poolItemSchema,
  type QueryRollupItem,
  queryRollupItemSchema,
  type RequestItem,
  requestItemSchema,
  type SlowQueryItem,
  slowQueryItemSchema,
  TELEMETRY_SCHEMA_VERSION,
  type TelemetryBatch,
  type TelemetryBatchInput,
  type TelemetryItem,
  telemetryBatchSchema,
  telemetryItemSchema,
} from './telemetry-schema.js'
