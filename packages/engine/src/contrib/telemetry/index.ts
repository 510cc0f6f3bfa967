/**
 * `@dorm/engine/contrib/telemetry`: the exporter that pushes health, pools, query rollups, slow
 * queries, request summaries and events to the dashboard (`startTelemetry`, `telemetryMiddlewares`),
 * and the payload schemas shared by the exporter and the dashboard.
 *
 * @example
 * ```ts
 * import { startTelemetry, telemetryMiddlewares } from '@dorm/engine/contrib/telemetry'
 * const telemetry = startTelemetry({ endpoint: 'https://dashboard.example.com', token, service: 'api' })
 * app.use(telemetryMiddlewares().express)
 * // on shutdown
 * await telemetry.stop()
 * ```
 */
export {
  type DeployFinding,
  type DeployReport,
  deployFindingSchema,
  deployReportSchema,
  plannedMigrationSchema,
} from './deploy-report-schema.js'
export { MAX_ROLLUP_KEYS, OTHER_TEMPLATE, ROLLUP_WINDOW_S } from './query-rollup-collector.js'
export { NPLUSONE_THRESHOLD } from './request-summary.js'
export { backoffDelayMs, isRetryableStatus, parseRetryAfter } from './retry-policy.js'
export { startTelemetry, type TelemetryHandle } from './telemetry-exporter.js'
export { type TelemetryMiddlewareOptions, telemetryMiddlewares } from './telemetry-middleware.js'
export type { TelemetryOptions } from './telemetry-options.js'
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
export { MAX_BATCH_BYTES, type TelemetryStats } from './telemetry-sender.js'
export { type TelemetryTemplate, telemetryTemplateOf } from './telemetry-template.js'
export type { TelemetryFetch } from './telemetry-transport.js'
