/**
 * Seeds the dashboard through its public API, as the exporter and the Action would, on a fixed
 * timeline: every item sits at a fixed offset from `seedBase` (the start of the run's UTC hour
 * minus three hours, so the data falls in the pages' default 24 h range and the pages look the same
 * on every run). Production gets a service with an ordinary template, a template whose SQL text
 * holds a `<script>` (it must render as text), a slow query and an N+1 request, plus a deploy report
 * with a DORM-M003 finding and its dry-run SQL; staging gets a service with a template of its own.
 *
 * @example
 * ```ts
 * const { deployId } = await seedDashboard(url, keys, seedBase)
 * ```
 */
import { gzipSync } from 'node:zlib'
import { bucketIndex, emptyHistogram, templateFingerprint } from '@dorm/engine/contrib/querylog'
import type { SeededKeys } from './run-state.js'

/** The template whose SQL holds a script tag (the XSS check). */
export const SCRIPT_TEMPLATE = `SELECT * FROM "notes" WHERE "body" = '<script>window.__dormXss = 1</script>'`
/** A template only production has. */
export const PRODUCTION_TEMPLATE =
  'SELECT "shop_order"."id", "shop_order"."status" FROM "shop_order" WHERE "shop_order"."id" = ?'
/** A template only staging has. */
export const STAGING_TEMPLATE = 'SELECT * FROM "staging_only_jobs" WHERE "state" = ?'
/** The dry-run SQL of the seeded deploy. */
export const DRY_RUN_SQL = 'CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status");'
/** The seeded services. */
export const SEEDED_SERVICES = { production: 'checkout-api', staging: 'staging-worker' } as const

const MINUTE = 60_000

/**
 * The start of the seed's timeline for a run starting at `now`.
 *
 * @example
 * ```ts
 * seedBaseFor(new Date('2026-11-26T22:41:00Z')).toISOString() // '2026-11-26T19:00:00.000Z'
 * ```
 */
export function seedBaseFor(now: Date): Date {
  const hour = now.getTime() - (now.getTime() % (60 * MINUTE))
  return new Date(hour - 3 * 60 * MINUTE)
}

function histogramOf(durations: Record<number, number>): number[] {
  const counts = emptyHistogram()
  for (const [ms, n] of Object.entries(durations)) {
    const slot = bucketIndex(Number(ms))
    counts[slot] = (counts[slot] ?? 0) + n
  }
  return counts
}

function rollup(at: Date, template: string, durations: Record<number, number>, route: string | null) {
  const entries = Object.entries(durations).map(([ms, n]) => [Number(ms), n] as const)
  return {
    kind: 'query_rollup',
    window_start: at.toISOString(),
    window_s: 60,
    alias: 'default',
    route,
    fingerprint: templateFingerprint(template),
    template,
    count: entries.reduce((total, [, n]) => total + n, 0),
    total_ms: entries.reduce((total, [ms, n]) => total + ms * n, 0),
    max_ms: Math.max(...entries.map(([ms]) => ms)),
    errors: 0,
    histogram: histogramOf(durations),
  }
}

function pool(at: Date, processStart: Date, minute: number) {
  return {
    kind: 'pool',
    at: at.toISOString(),
    alias: 'default',
    vendor: 'postgresql',
    process_started_at: processStart.toISOString(),
    max: 10,
    size: 4,
    in_use: 2,
    idle: 2,
    waiting: 0,
    checkouts_total: 100 * (minute + 1),
    timeouts_total: 0,
    wait_ms_total: 5 * (minute + 1),
    wait_histogram: histogramOf({ 0.05: 100 * (minute + 1) }),
  }
}

async function post(url: string, secret: string, body: unknown, gzip: boolean): Promise<Record<string, unknown>> {
  const json = Buffer.from(JSON.stringify(body))
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: gzip ? gzipSync(json) : json,
  })
  const answer = (await response.json()) as Record<string, unknown>
  if (response.status !== 202 || answer.rejected !== 0) {
    throw new Error(`seeding ${url} answered ${response.status}: ${JSON.stringify(answer)}`)
  }
  return answer
}

function batch(service: string, environment: string, base: Date, items: unknown[]) {
  return {
    schema_version: 1,
    batch_id: `e2e-seed-${environment}-${base.getTime()}`,
    sent_at: new Date(base.getTime() + 10 * MINUTE).toISOString(),
    service,
    environment,
    instance: { host: `${service}-1`, pid: 4242 },
    dropped: 0,
    items,
  }
}

/**
 * Posts the seed; returns the id of the deploy report.
 *
 * @example
 * ```ts
 * await seedDashboard('http://127.0.0.1:3000', keys, seedBaseFor(new Date()))
 * ```
 */
export async function seedDashboard(baseUrl: string, keys: SeededKeys, base: Date): Promise<{ deployId: number }> {
  const at = (minutes: number) => new Date(base.getTime() + minutes * MINUTE)
  const production: unknown[] = []
  const staging: unknown[] = []
  for (let minute = 0; minute < 10; minute++) {
    production.push(pool(at(minute), base, minute))
    production.push({ kind: 'health', at: at(minute).toISOString(), alias: 'default', status: 'ok', elapsed_ms: 1.2 })
    production.push(rollup(at(minute), PRODUCTION_TEMPLATE, { 0.8: 90, 2.5: 25, 12: 5 }, 'GET /orders/:id'))
    production.push(rollup(at(minute), SCRIPT_TEMPLATE, { 40: 3, 750: 1 }, 'GET /notes'))
    staging.push(pool(at(minute), base, minute))
    staging.push({ kind: 'health', at: at(minute).toISOString(), alias: 'default', status: 'ok', elapsed_ms: 0.9 })
    staging.push(rollup(at(minute), STAGING_TEMPLATE, { 3: 30, 9: 4 }, 'POST /jobs/run'))
  }
  production.push({
    kind: 'slow_query',
    at: at(5).toISOString(),
    alias: 'default',
    route: 'GET /notes',
    fingerprint: templateFingerprint(SCRIPT_TEMPLATE),
    template: SCRIPT_TEMPLATE,
    elapsed_ms: 750,
    threshold_ms: 500,
    error: null,
  })
  production.push({
    kind: 'request',
    at: at(6).toISOString(),
    method: 'GET',
    route: '/orders',
    status: 200,
    duration_ms: 180,
    query_count: 41,
    query_ms: 95,
    pool_wait_ms: 0.4,
    nplusone: [{ fingerprint: templateFingerprint(PRODUCTION_TEMPLATE), template: PRODUCTION_TEMPLATE, count: 40 }],
    over_budget: false,
    reason: 'nplusone',
  })
  const ingest = `${baseUrl}/api/v1/ingest`
  const productionKeys = keys.production
  const stagingKeys = keys.staging
  if (!productionKeys || !stagingKeys) throw new Error('seed keys for production and staging are missing')
  await post(ingest, productionKeys.ingest, batch(SEEDED_SERVICES.production, 'production', base, production), true)
  await post(ingest, stagingKeys.ingest, batch(SEEDED_SERVICES.staging, 'staging', base, staging), false)

  const report = {
    environment: 'production',
    status: 'applied',
    repository: 'acme/shop',
    git_sha: '3f2c9a1e5b7d4c8a9e0f1a2b3c4d5e6f7a8b9c0d',
    ref: 'refs/heads/main',
    pull_request: null,
    run_url: `https://github.com/acme/shop/actions/runs/${base.getTime()}`,
    workflow: 'deploy',
    actor: 'octocat',
    event: 'push',
    finished_at: at(30).toISOString(),
    lint: {
      errors: 0,
      warnings: 1,
      findings: [
        {
          code: 'DORM-M003',
          rule: 'add-index-without-concurrently',
          severity: 'warning',
          file: 'src/shop/migrations/0002_order_status.ts',
          line: 10,
          column: 5,
          operation: "AddIndex(model_name='order', index=Index(fields=['status'], name='shop_order_status_idx'))",
          message: 'AddIndex without concurrently: true locks writes to "shop_order" while the index builds',
          help: 'pass concurrently: true and atomic: false',
          docs: 'docs/rules/DORM-M003.md',
        },
      ],
    },
    dry_run: {
      pending: ['shop.0002_order_status'],
      plan: [{ app: 'shop', name: '0002_order_status', sql: [DRY_RUN_SQL] }],
    },
    applied: ['shop.0002_order_status'],
    drift: { drift: false, findings: [] },
    failure: null,
  }
  const answer = await post(`${baseUrl}/api/v1/deployments`, productionKeys.ci, report, false)
  if (typeof answer.id !== 'number') throw new Error(`the deployments API returned no id: ${JSON.stringify(answer)}`)
  return { deployId: answer.id }
}
