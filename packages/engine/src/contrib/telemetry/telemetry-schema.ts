/**
 * The telemetry payload: what the exporter (`startTelemetry`) sends to the dashboard's
 * `POST /api/v1/ingest`, defined once with zod and validated on both ends. Keys are snake_case
 * (the payload leaves the process). The schema is versioned: a breaking change bumps
 * `schema_version`, and the dashboard keeps accepting the versions it knows.
 *
 * A batch holds items of six kinds:
 * - `health`: a deep health check of one alias;
 * - `pool`: the pool of one alias, with cumulative counters since `process_started_at` (the
 *   dashboard turns them into deltas and detects restarts when that changes or a counter drops);
 * - `query_rollup`: one window (normally 60 s) of one (alias, route template, template fingerprint):
 *   count, total, max, errors and the histogram buckets of `HISTOGRAM_BOUNDS_MS`, so windows merge
 *   into hours and days without averaging percentiles;
 * - `slow_query`: one statement over SLOW_QUERY_MS, template only (never params);
 * - `request`: one request summary (sampled, plus always the slow, N+1 and over-budget ones);
 * - `event`: one event of the core event bus (retry, pool timeout, breaker change, ...).
 *
 * @example
 * ```ts
 * import { telemetryBatchSchema } from '@dorm/engine/contrib/telemetry'
 * const parsed = telemetryBatchSchema.safeParse(await request.json())
 * if (!parsed.success) return Response.json({ error: parsed.error.issues[0] }, { status: 400 })
 * ```
 */
import { z } from 'zod'
import { HISTOGRAM_BOUNDS_MS } from '../querylog/histogram.js'

/** The version this engine sends. */
export const TELEMETRY_SCHEMA_VERSION = 1

/** Most items one batch may carry. */
export const MAX_BATCH_ITEMS = 5000

/** Longest SQL template kept (longer ones are cut, with `…`). */
export const MAX_TEMPLATE_LENGTH = 4096

/** Slots of a rollup histogram: one per bound of HISTOGRAM_BOUNDS_MS plus the overflow slot. */
export const HISTOGRAM_SLOTS = HISTOGRAM_BOUNDS_MS.length + 1

const timestamp = z.iso.datetime({ offset: true })
const name = z.string().min(1).max(200)
const milliseconds = z.number().finite().nonnegative()
const count = z.number().int().nonnegative()
const template = z
  .string()
  .min(1)
  .max(MAX_TEMPLATE_LENGTH + 1)
const fingerprint = z.string().regex(/^[0-9a-f]{16}$/, 'a 16-hex-digit template fingerprint')
const route = z.string().min(1).max(500).nullable()

/** A deep health check of one alias. */
export const healthItemSchema = z.object({
  kind: z.literal('health'),
  at: timestamp,
  alias: name,
  status: z.enum(['ok', 'error']),
  elapsed_ms: milliseconds,
  error: z.string().max(2000).nullable().default(null),
})

/** The pool of one alias: gauges now, counters cumulative since the process started. */
export const poolItemSchema = z.object({
  kind: z.literal('pool'),
  at: timestamp,
  alias: name,
  vendor: z.enum(['postgresql', 'sqlite', 'libsql']),
  process_started_at: timestamp,
  max: count,
  size: count,
  in_use: count,
  idle: count,
  waiting: count,
  checkouts_total: count,
  timeouts_total: count,
  wait_ms_total: milliseconds,
  /** Checkout wait histogram since the process started (cumulative, HISTOGRAM_SLOTS long). */
  wait_histogram: z.array(count).length(HISTOGRAM_SLOTS),
})

/** One window of one query template on one alias and route. */
export const queryRollupItemSchema = z.object({
  kind: z.literal('query_rollup'),
  window_start: timestamp,
  window_s: z.number().int().positive().max(3600),
  alias: name,
  route,
  fingerprint,
  template,
  count: z.number().int().positive(),
  total_ms: milliseconds,
  max_ms: milliseconds,
  errors: count,
  histogram: z.array(count).length(HISTOGRAM_SLOTS),
})

/** One slow statement (template only). */
export const slowQueryItemSchema = z.object({
  kind: z.literal('slow_query'),
  at: timestamp,
  alias: name,
  route,
  fingerprint,
  template,
  elapsed_ms: milliseconds,
  threshold_ms: milliseconds,
  error: z.string().max(500).nullable().default(null),
})

/** One request summary. */
export const requestItemSchema = z.object({
  kind: z.literal('request'),
  at: timestamp,
  method: z.string().min(1).max(16),
  route: z.string().min(1).max(500),
  status: z.number().int().min(100).max(599).nullable().default(null),
  duration_ms: milliseconds,
  query_count: count,
  query_ms: milliseconds,
  pool_wait_ms: milliseconds,
  nplusone: z.array(z.object({ fingerprint, template, count })).max(20).default([]),
  over_budget: z.boolean().default(false),
  /** Why it was kept: the sample, or always-kept because slow, N+1 or over budget. */
  reason: z.enum(['sample', 'slow', 'nplusone', 'budget']),
})

/** One event of the core bus (`onDormEvent`), kept as sent beyond its type. */
export const eventItemSchema = z.object({
  kind: z.literal('event'),
  at: timestamp,
  type: z.enum([
    'retry',
    'pool_timeout',
    'breaker_change',
    'budget_exceeded',
    'replica_deflection',
    'sticky_pin',
    'slow_query',
  ]),
  alias: name.nullable().default(null),
  data: z.record(z.string(), z.unknown()).default({}),
})

/** Any item, by `kind`. */
export const telemetryItemSchema = z.discriminatedUnion('kind', [
  healthItemSchema,
  poolItemSchema,
  queryRollupItemSchema,
  slowQueryItemSchema,
  requestItemSchema,
  eventItemSchema,
])

/**
 * The envelope. Items are validated one by one by the dashboard (a bad item is rejected with its
 * index while the others are stored), so the envelope types them loosely.
 */
export const telemetryBatchSchema = z.object({
  schema_version: z.literal(TELEMETRY_SCHEMA_VERSION),
  /** Unique per batch; a batch sent twice (a retry after a lost response) is stored once. */
  batch_id: z.string().min(8).max(100),
  sent_at: timestamp,
  service: name,
  /** Optional: when given it must be the environment of the key, else 403. */
  environment: name.optional(),
  instance: z.object({ host: z.string().max(200), pid: z.number().int().nonnegative() }),
  /** Items the exporter dropped (queue full) since its last accepted batch. */
  dropped: count.default(0),
  items: z.array(z.unknown()).max(MAX_BATCH_ITEMS),
})

export type HealthItem = z.infer<typeof healthItemSchema>
export type PoolItem = z.infer<typeof poolItemSchema>
export type QueryRollupItem = z.infer<typeof queryRollupItemSchema>
export type SlowQueryItem = z.infer<typeof slowQueryItemSchema>
export type RequestItem = z.infer<typeof requestItemSchema>
export type EventItem = z.infer<typeof eventItemSchema>
export type TelemetryItem = z.infer<typeof telemetryItemSchema>
/** A batch as the dashboard receives it (items still to validate one by one). */
export type TelemetryBatch = z.infer<typeof telemetryBatchSchema>
/** A batch as the exporter builds it. */
export type TelemetryBatchInput = Omit<z.input<typeof telemetryBatchSchema>, 'items'> & {
  items: z.input<typeof telemetryItemSchema>[]
}
