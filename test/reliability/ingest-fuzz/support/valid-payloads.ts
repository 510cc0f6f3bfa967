/**
 * Valid telemetry batches and deploy reports, one item of every kind, with every free-text field
 * supplied by the caller: the fuzz mutates them field by field, the XSS scenario fills the texts
 * with payloads. Each builder's output passes the shared schemas of `@dorm/engine/contrib/telemetry`.
 *
 * @example
 * ```ts
 * const batch = sampleBatch({ batchId: 'fuzz-0001', environment: 'fuzz', items: sampleItems(new Date(), plainText) })
 * telemetryBatchSchema.parse(batch)
 * ```
 */
import { templateFingerprint } from '@dorm/engine/contrib/querylog'
import { HISTOGRAM_SLOTS } from '@dorm/engine/contrib/telemetry'

/** Gives the text of a named free-text field (`rollup.template`, `finding.message`, ...). */
export type TextOf = (field: string) => string

/**
 * Plain, harmless texts (`<field>-text`).
 *
 * @example
 * ```ts
 * plainText('rollup.route') // 'rollup.route-text'
 * ```
 */
export const plainText: TextOf = (field) => `${field}-text`

function histogram(slot: number, count: number): number[] {
  const counts = new Array<number>(HISTOGRAM_SLOTS).fill(0)
  counts[slot] = count
  return counts
}

/**
 * One item of each kind, at `at`, whose texts come from `text`.
 *
 * @example
 * ```ts
 * sampleItems(new Date(), plainText).map((item) => item.kind) // ['health', 'pool', 'query_rollup', ...]
 * ```
 */
export function sampleItems(at: Date, text: TextOf): Array<Record<string, unknown>> {
  const iso = at.toISOString()
  const template = text('rollup.template')
  const slowTemplate = text('slow.template')
  const nplusoneTemplate = text('request.nplusone.template')
  return [
    {
      kind: 'health',
      at: iso,
      alias: text('health.alias'),
      status: 'error',
      elapsed_ms: 3.5,
      error: text('health.error'),
    },
    {
      kind: 'pool',
      at: iso,
      alias: text('pool.alias'),
      vendor: 'postgresql',
      process_started_at: new Date(at.getTime() - 60_000).toISOString(),
      max: 4,
      size: 4,
      in_use: 4,
      idle: 0,
      waiting: 3,
      checkouts_total: 50,
      timeouts_total: 1,
      wait_ms_total: 120,
      wait_histogram: histogram(20, 50),
    },
    {
      kind: 'query_rollup',
      window_start: iso,
      window_s: 60,
      alias: text('rollup.alias'),
      route: text('rollup.route'),
      fingerprint: templateFingerprint(template),
      template,
      count: 10,
      total_ms: 50,
      max_ms: 12,
      errors: 1,
      histogram: histogram(30, 10),
    },
    {
      kind: 'slow_query',
      at: iso,
      alias: text('slow.alias'),
      route: text('slow.route'),
      fingerprint: templateFingerprint(slowTemplate),
      template: slowTemplate,
      elapsed_ms: 900,
      threshold_ms: 500,
      error: text('slow.error'),
    },
    {
      kind: 'request',
      at: iso,
      method: 'GET',
      route: text('request.route'),
      status: 200,
      duration_ms: 300,
      query_count: 30,
      query_ms: 200,
      pool_wait_ms: 5,
      nplusone: [{ fingerprint: templateFingerprint(nplusoneTemplate), template: nplusoneTemplate, count: 25 }],
      over_budget: true,
      reason: 'nplusone',
    },
    {
      kind: 'event',
      at: iso,
      type: 'pool_timeout',
      alias: text('event.alias'),
      data: { message: text('event.data.message') },
    },
  ]
}

/**
 * A batch envelope around `items`.
 *
 * @example
 * ```ts
 * sampleBatch({ batchId: 'fuzz-0001', environment: 'fuzz', items: [] }).schema_version // 1
 * ```
 */
export function sampleBatch(options: {
  batchId: string
  environment?: string
  service?: string
  host?: string
  items: unknown[]
}): Record<string, unknown> {
  return {
    schema_version: 1,
    batch_id: options.batchId,
    sent_at: new Date().toISOString(),
    service: options.service ?? 'fuzz-service',
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    instance: { host: options.host ?? 'fuzz-host', pid: 4242 },
    dropped: 0,
    items: options.items,
  }
}

/**
 * A deploy report of the Action with every text from `text`.
 *
 * @example
 * ```ts
 * sampleDeployReport({ environment: 'fuzz', runId: 1, text: plainText }).status // 'blocked'
 * ```
 */
export function sampleDeployReport(options: {
  environment: string | null
  runId: number
  text: TextOf
  finishedAt?: Date
}): Record<string, unknown> {
  const { text } = options
  return {
    environment: options.environment,
    status: 'blocked',
    repository: text('report.repository'),
    git_sha: text('report.git_sha'),
    ref: text('report.ref'),
    pull_request: 7,
    run_url: text('report.run_url') + String(options.runId),
    workflow: text('report.workflow'),
    actor: text('report.actor'),
    event: text('report.event'),
    finished_at: (options.finishedAt ?? new Date()).toISOString(),
    lint: {
      errors: 1,
      warnings: 0,
      findings: [
        {
          code: 'DORM-M003',
          rule: text('finding.rule'),
          severity: 'error',
          file: text('finding.file'),
          line: 3,
          column: 1,
          operation: text('finding.operation'),
          message: text('finding.message'),
          help: text('finding.help'),
          docs: text('finding.docs'),
        },
      ],
    },
    dry_run: {
      pending: [text('dry_run.pending')],
      plan: [{ app: text('plan.app'), name: text('plan.name'), sql: [text('plan.sql')] }],
    },
    applied: [text('applied')],
    drift: { drift: true, findings: [{ kind: text('drift.kind'), detail: text('drift.detail') }] },
    failure: { kind: text('failure.kind'), message: text('failure.message') },
  }
}
