/**
 * The dashboard's own models, stored through `@dorm/engine` (a SQLite file by default, PostgreSQL
 * when DASHBOARD_DATABASE_URL is set). App label `dashboard`; tables `dashboard_<model>`.
 *
 * Time is stored as DateTimeField (UTC). Rollups are keyed by (service, alias, route, fingerprint,
 * resolution, bucket_start) and merged by summing count, total, errors and the histogram buckets
 * (max of max): percentiles always come from merged histograms, never from averages.
 *
 * @example
 * ```ts
 * import { Environment, QueryRollup } from './models'
 * const production = await Environment.objects.get({ name: 'production' })
 * const hot = await QueryRollup.objects.filter({ service__environment: production, resolution: '1m' }).orderBy('-total_ms')
 * ```
 */
import {
  BigIntegerField,
  BooleanField,
  CharField,
  DateTimeField,
  defineModel,
  FloatField,
  ForeignKey,
  Index,
  IntegerField,
  JSONField,
  TextField,
  UniqueConstraint,
} from '@dorm/engine'

/** One environment (production, staging, ...). Every key, service and deploy belongs to one. */
export const Environment = defineModel('dashboard.Environment', {
  fields: {
    name: new CharField({ maxLength: 64, unique: true }),
    created_at: new DateTimeField(),
  },
  meta: { ordering: ['name'] },
})

/**
 * An API key, scoped to one environment: `ingest` keys for the exporter, `ci` keys for the
 * Action's deploy reports. Only the SHA-256 of the secret is stored; `prefix` (the first
 * characters of the secret) identifies it in the UI.
 */
export const ApiKey = defineModel('dashboard.ApiKey', {
  fields: {
    environment: new ForeignKey(() => Environment, { onDelete: 'CASCADE', relatedName: 'keys' }),
    kind: new CharField({
      maxLength: 8,
      choices: [
        ['ingest', 'ingest'],
        ['ci', 'ci'],
      ],
    }),
    label: new CharField({ maxLength: 100, default: '' }),
    prefix: new CharField({ maxLength: 16 }),
    secret_hash: new CharField({ maxLength: 64, unique: true }),
    created_at: new DateTimeField(),
    last_used_at: new DateTimeField({ null: true }),
    revoked_at: new DateTimeField({ null: true }),
  },
})

/** A service (an app sending telemetry) in one environment. */
export const Service = defineModel('dashboard.Service', {
  fields: {
    environment: new ForeignKey(() => Environment, { onDelete: 'CASCADE', relatedName: 'services' }),
    name: new CharField({ maxLength: 200 }),
    first_seen_at: new DateTimeField(),
    last_seen_at: new DateTimeField(),
  },
  meta: {
    constraints: [new UniqueConstraint({ fields: ['environment', 'name'], name: 'dashboard_service_env_name_uniq' })],
  },
})

/** An accepted ingest batch: a batch id seen again is acknowledged and not stored twice. */
export const IngestBatch = defineModel('dashboard.IngestBatch', {
  fields: {
    environment: new ForeignKey(() => Environment, { onDelete: 'CASCADE' }),
    batch_id: new CharField({ maxLength: 100 }),
    received_at: new DateTimeField(),
    accepted: new IntegerField(),
    rejected: new IntegerField(),
    dropped: new IntegerField({ default: 0 }),
  },
  meta: {
    constraints: [new UniqueConstraint({ fields: ['environment', 'batch_id'], name: 'dashboard_batch_env_id_uniq' })],
    indexes: [new Index({ fields: ['received_at'], name: 'dashboard_batch_received_idx' })],
  },
})

/** A deep health check of one alias of a service. */
export const HealthSample = defineModel('dashboard.HealthSample', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    alias: new CharField({ maxLength: 200 }),
    at: new DateTimeField(),
    status: new CharField({ maxLength: 8 }),
    elapsed_ms: new FloatField(),
    error: new TextField({ null: true }),
  },
  meta: {
    indexes: [
      new Index({ fields: ['service', 'at'], name: 'dashboard_health_service_at_idx' }),
      // retention prunes by time across every service
      new Index({ fields: ['at'], name: 'dashboard_health_at_idx' }),
    ],
  },
})

/**
 * One pool report of one alias of one service instance, with the counters turned into deltas
 * since that instance's previous report (`restarted` when the process start changed or a counter
 * went down: the delta is then the counter itself).
 */
export const PoolSample = defineModel('dashboard.PoolSample', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    alias: new CharField({ maxLength: 200 }),
    instance: new CharField({ maxLength: 220 }),
    at: new DateTimeField(),
    vendor: new CharField({ maxLength: 16 }),
    max: new IntegerField(),
    size: new IntegerField(),
    in_use: new IntegerField(),
    idle: new IntegerField(),
    waiting: new IntegerField(),
    checkouts: new BigIntegerField(),
    timeouts: new BigIntegerField(),
    wait_ms: new FloatField(),
    wait_histogram: new JSONField(),
    restarted: new BooleanField({ default: false }),
    /** The cumulative counters as reported, for the next delta. */
    cumulative: new JSONField(),
    process_started_at: new DateTimeField(),
  },
  meta: {
    indexes: [
      new Index({ fields: ['service', 'alias', 'at'], name: 'dashboard_pool_service_alias_at_idx' }),
      new Index({ fields: ['at'], name: 'dashboard_pool_at_idx' }),
    ],
  },
})

/** The text of each template fingerprint (shared by every environment). */
export const QueryTemplate = defineModel('dashboard.QueryTemplate', {
  fields: {
    fingerprint: new CharField({ maxLength: 16, unique: true }),
    template: new TextField(),
    first_seen_at: new DateTimeField(),
  },
})

/** A rollup of one (service, alias, route, template) over one bucket of `resolution` (1m, 1h, 1d). */
export const QueryRollup = defineModel('dashboard.QueryRollup', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    alias: new CharField({ maxLength: 200 }),
    route: new CharField({ maxLength: 500, default: '' }),
    fingerprint: new CharField({ maxLength: 16 }),
    resolution: new CharField({
      maxLength: 2,
      choices: [
        ['1m', '1m'],
        ['1h', '1h'],
        ['1d', '1d'],
      ],
    }),
    bucket_start: new DateTimeField(),
    count: new BigIntegerField(),
    total_ms: new FloatField(),
    max_ms: new FloatField(),
    errors: new BigIntegerField(),
    histogram: new JSONField(),
  },
  meta: {
    constraints: [
      new UniqueConstraint({
        fields: ['service', 'alias', 'route', 'fingerprint', 'resolution', 'bucket_start'],
        name: 'dashboard_rollup_key_uniq',
      }),
    ],
    indexes: [
      new Index({ fields: ['resolution', 'bucket_start'], name: 'dashboard_rollup_res_bucket_idx' }),
      new Index({ fields: ['fingerprint', 'resolution', 'bucket_start'], name: 'dashboard_rollup_fp_idx' }),
    ],
  },
})

/** One slow statement (template only, never params). Kept 14 days. */
export const SlowQuery = defineModel('dashboard.SlowQuery', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    alias: new CharField({ maxLength: 200 }),
    route: new CharField({ maxLength: 500, default: '' }),
    fingerprint: new CharField({ maxLength: 16 }),
    at: new DateTimeField(),
    elapsed_ms: new FloatField(),
    threshold_ms: new FloatField(),
    error: new TextField({ null: true }),
  },
  meta: {
    indexes: [
      new Index({ fields: ['service', 'at'], name: 'dashboard_slow_service_at_idx' }),
      // retention prunes by time across every service
      new Index({ fields: ['at'], name: 'dashboard_slow_at_idx' }),
    ],
  },
})

/** One request summary (sampled, or kept because slow, N+1 or over budget). Kept 14 days. */
export const RequestSample = defineModel('dashboard.RequestSample', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    at: new DateTimeField(),
    method: new CharField({ maxLength: 16 }),
    route: new CharField({ maxLength: 500 }),
    status: new IntegerField({ null: true }),
    duration_ms: new FloatField(),
    query_count: new IntegerField(),
    query_ms: new FloatField(),
    pool_wait_ms: new FloatField(),
    nplusone: new JSONField(),
    over_budget: new BooleanField({ default: false }),
    reason: new CharField({ maxLength: 16 }),
  },
  meta: {
    indexes: [
      new Index({ fields: ['service', 'at'], name: 'dashboard_request_service_at_idx' }),
      // retention prunes by time across every service
      new Index({ fields: ['at'], name: 'dashboard_request_at_idx' }),
    ],
  },
})

/** One event of a service's event bus (retry, pool timeout, breaker change, ...). Kept 14 days. */
export const EventRecord = defineModel('dashboard.EventRecord', {
  fields: {
    service: new ForeignKey(() => Service, { onDelete: 'CASCADE' }),
    at: new DateTimeField(),
    type: new CharField({ maxLength: 32 }),
    alias: new CharField({ maxLength: 200, null: true }),
    data: new JSONField(),
  },
  meta: {
    indexes: [
      new Index({ fields: ['service', 'at'], name: 'dashboard_event_service_at_idx' }),
      // retention prunes by time across every service
      new Index({ fields: ['at'], name: 'dashboard_event_at_idx' }),
    ],
  },
})

/** A deploy report from the Action. Kept forever. */
export const Deployment = defineModel('dashboard.Deployment', {
  fields: {
    environment: new ForeignKey(() => Environment, { onDelete: 'CASCADE', relatedName: 'deployments' }),
    status: new CharField({ maxLength: 16 }),
    repository: new CharField({ maxLength: 500, null: true }),
    git_sha: new CharField({ maxLength: 100, null: true }),
    ref: new CharField({ maxLength: 500, null: true }),
    pull_request: new IntegerField({ null: true }),
    run_url: new CharField({ maxLength: 2000, null: true }),
    finished_at: new DateTimeField(),
    received_at: new DateTimeField(),
    errors: new IntegerField({ default: 0 }),
    warnings: new IntegerField({ default: 0 }),
    drift: new BooleanField({ null: true }),
    applied: new JSONField(),
    /** The whole report as received (lint findings, dry-run SQL, drift findings). */
    report: new JSONField(),
  },
  meta: { indexes: [new Index({ fields: ['environment', 'finished_at'], name: 'dashboard_deploy_env_at_idx' })] },
})

/** A signed-in browser session (the cookie holds the token; only its SHA-256 is stored). */
export const Session = defineModel('dashboard.Session', {
  fields: {
    token_hash: new CharField({ maxLength: 64, unique: true }),
    created_at: new DateTimeField(),
    expires_at: new DateTimeField(),
  },
})

/** Every model, in dependency order (migrations, table creation in tests). */
export const DASHBOARD_MODELS = [
  Environment,
  ApiKey,
  Service,
  IngestBatch,
  HealthSample,
  PoolSample,
  QueryTemplate,
  QueryRollup,
  SlowQuery,
  RequestSample,
  EventRecord,
  Deployment,
  Session,
] as const
