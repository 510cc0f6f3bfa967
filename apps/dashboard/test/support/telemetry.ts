/**
 * Builders of realistic telemetry for the API tests and the ingest benchmark: batches as the
 * exporter sends them (typed by the shared schema), and requests to the route handlers.
 *
 * @example
 * ```ts
 * const body = telemetryBatch({ items: [rollupItem({ durations: [1, 2, 40] })] })
 * const response = await POST(ingestRequest(secret, body))
 * ```
 */
import { randomUUID } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { histogramOf } from '@dorm/engine/contrib/querylog'
import type { TelemetryBatchInput } from '@dorm/engine/contrib/telemetry'

type Item = TelemetryBatchInput['items'][number]

/** A fixed moment the tests' timestamps are built from (a minute boundary). */
export const T0 = new Date('2025-03-03T10:00:00.000Z')

/**
 * An ISO timestamp `ms` after `base`.
 *
 * @example
 * ```ts
 * at(90_000) // '2025-03-03T10:01:30.000Z'
 * ```
 */
export function at(ms = 0, base: Date = T0): string {
  return new Date(base.getTime() + ms).toISOString()
}

/**
 * A 16-hex-digit fingerprint from a small number.
 *
 * @example
 * ```ts
 * fingerprint(7) // '0000000000000007'
 * ```
 */
export function fingerprint(n: number): string {
  return n.toString(16).padStart(16, '0')
}

/**
 * One 60 s window of one template, its count, total, max and histogram made from `durations`.
 *
 * @example
 * ```ts
 * rollupItem({ durations: [1, 1, 30], windowStart: at(60_000) })
 * ```
 */
export function rollupItem(
  options: {
    durations?: readonly number[]
    windowStart?: string
    alias?: string
    route?: string | null
    fingerprint?: string
    template?: string
    errors?: number
  } = {},
): Item {
  const durations = options.durations ?? [1, 2, 3]
  return {
    kind: 'query_rollup',
    window_start: options.windowStart ?? at(),
    window_s: 60,
    alias: options.alias ?? 'default',
    route: options.route === undefined ? 'GET /articles/{id}' : options.route,
    fingerprint: options.fingerprint ?? fingerprint(1),
    template: options.template ?? 'SELECT * FROM "articles" WHERE "id" = $1',
    count: durations.length,
    total_ms: durations.reduce((sum, ms) => sum + ms, 0),
    max_ms: Math.max(...durations),
    errors: options.errors ?? 0,
    histogram: histogramOf(durations),
  }
}

/**
 * A pool report with cumulative counters.
 *
 * @example
 * ```ts
 * poolItem({ at: at(10_000), checkouts: 120, startedAt: at(-3_600_000) })
 * ```
 */
export function poolItem(
  options: {
    at?: string
    alias?: string
    startedAt?: string
    checkouts?: number
    timeouts?: number
    waitMs?: number
    waits?: readonly number[]
    inUse?: number
    waiting?: number
    max?: number
  } = {},
): Item {
  const max = options.max ?? 10
  const inUse = options.inUse ?? 2
  return {
    kind: 'pool',
    at: options.at ?? at(),
    alias: options.alias ?? 'default',
    vendor: 'postgresql',
    process_started_at: options.startedAt ?? at(-3_600_000),
    max,
    size: Math.max(inUse, 4),
    in_use: inUse,
    idle: Math.max(0, Math.max(inUse, 4) - inUse),
    waiting: options.waiting ?? 0,
    checkouts_total: options.checkouts ?? 0,
    timeouts_total: options.timeouts ?? 0,
    wait_ms_total: options.waitMs ?? 0,
    wait_histogram: histogramOf(options.waits ?? []),
  }
}

/**
 * One each of the other kinds (health, slow query, request with an N+1 finding, event).
 *
 * @example
 * ```ts
 * telemetryBatch({ items: otherItems(at(5_000)) })
 * ```
 */
export function otherItems(when: string = at()): Item[] {
  return [
    { kind: 'health', at: when, alias: 'default', status: 'ok', elapsed_ms: 1.2 },
    {
      kind: 'slow_query',
      at: when,
      alias: 'default',
      route: 'GET /articles',
      fingerprint: fingerprint(2),
      template: 'SELECT * FROM "articles" ORDER BY "created_at" DESC',
      elapsed_ms: 812,
      threshold_ms: 500,
    },
    {
      kind: 'request',
      at: when,
      method: 'GET',
      route: 'GET /articles',
      status: 200,
      duration_ms: 950,
      query_count: 41,
      query_ms: 830,
      pool_wait_ms: 12,
      nplusone: [{ fingerprint: fingerprint(3), template: 'SELECT * FROM "authors" WHERE "id" = $1', count: 40 }],
      reason: 'nplusone',
    },
    { kind: 'event', at: when, type: 'pool_timeout', alias: 'default', data: { timeout_ms: 30000 } },
  ]
}

/**
 * A batch envelope around `items` (a new batch id unless given).
 *
 * @example
 * ```ts
 * telemetryBatch({ items: [rollupItem()], service: 'api', environment: 'production' })
 * ```
 */
export function telemetryBatch(
  options: {
    items?: Item[]
    batchId?: string
    service?: string
    environment?: string
    host?: string
    pid?: number
    dropped?: number
  } = {},
): TelemetryBatchInput {
  return {
    schema_version: 1,
    batch_id: options.batchId ?? randomUUID(),
    sent_at: new Date().toISOString(),
    service: options.service ?? 'api',
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    instance: { host: options.host ?? 'web-1', pid: options.pid ?? 4242 },
    dropped: options.dropped ?? 0,
    items: options.items ?? [],
  }
}

/**
 * A `POST /api/v1/ingest` request (JSON, or gzip with `gzip: true`; `body` may be raw text or bytes).
 *
 * @example
 * ```ts
 * await POST(ingestRequest(secret, telemetryBatch(), { gzip: true }))
 * ```
 */
export function ingestRequest(
  secret: string | null,
  body: unknown,
  options: { gzip?: boolean; path?: string; headers?: Record<string, string> } = {},
): Request {
  const raw = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
  const bytes = options.gzip ? gzipSync(raw) : raw
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
  if (secret !== null) headers.authorization = `Bearer ${secret}`
  if (options.gzip) headers['content-encoding'] = 'gzip'
  return new Request(`http://dashboard.test${options.path ?? '/api/v1/ingest'}`, {
    method: 'POST',
    headers,
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  })
}
