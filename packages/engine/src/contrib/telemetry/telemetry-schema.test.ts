import { describe, expect, it } from 'vitest'
import { deployReportSchema } from './deploy-report-schema.js'
import { HISTOGRAM_SLOTS, telemetryBatchSchema, telemetryItemSchema } from './telemetry-schema.js'

const at = '2026-11-26T10:00:00.000Z'

describe('the telemetry schema', () => {
  it('accepts each item kind and fills the defaults', () => {
    const rollup = telemetryItemSchema.parse({
      kind: 'query_rollup',
      window_start: at,
      window_s: 60,
      alias: 'default',
      route: 'GET /articles/:id',
      fingerprint: '0123456789abcdef',
      template: 'SELECT * FROM "articles" WHERE "id" = ?',
      count: 3,
      total_ms: 12.5,
      max_ms: 8,
      errors: 0,
      histogram: new Array(HISTOGRAM_SLOTS).fill(0),
    })
    expect(rollup.kind).toBe('query_rollup')
    const health = telemetryItemSchema.parse({ kind: 'health', at, alias: 'default', status: 'ok', elapsed_ms: 1 })
    expect(health).toMatchObject({ error: null })
    const event = telemetryItemSchema.parse({ kind: 'event', at, type: 'pool_timeout' })
    expect(event).toMatchObject({ alias: null, data: {} })
  })

  it('names the field that is wrong', () => {
    const result = telemetryItemSchema.safeParse({
      kind: 'slow_query',
      at,
      alias: 'default',
      route: null,
      fingerprint: 'not-hex',
      template: 'SELECT 1',
      elapsed_ms: 900,
      threshold_ms: 500,
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.path).toEqual(['fingerprint'])
    expect(telemetryItemSchema.safeParse({ kind: 'unknown', at }).success).toBe(false)
  })

  it('validates the envelope and leaves items to be checked one by one', () => {
    const batch = telemetryBatchSchema.parse({
      schema_version: 1,
      batch_id: 'batch-0001',
      sent_at: at,
      service: 'api',
      instance: { host: 'web-1', pid: 42 },
      items: [{ kind: 'nonsense' }],
    })
    expect(batch.dropped).toBe(0)
    expect(telemetryBatchSchema.safeParse({ ...batch, schema_version: 2 }).success).toBe(false)
  })

  it('accepts the deploy report the Action sends, keeping extra keys', () => {
    const report = deployReportSchema.parse({
      environment: 'production',
      status: 'applied',
      repository: 'acme/shop',
      git_sha: 'abc123',
      ref: 'refs/heads/main',
      pull_request: null,
      run_url: 'https://github.com/acme/shop/actions/runs/1',
      workflow: 'deploy',
      actor: 'octocat',
      event: 'push',
      finished_at: at,
      lint: {
        since: null,
        errors: 0,
        warnings: 1,
        not_annotated: 0,
        findings: [
          {
            code: 'DORM-M003',
            rule: 'add-index-without-concurrently',
            severity: 'warning',
            file: 'src/shop/migrations/0002_order_status.ts',
            line: 10,
            column: 5,
            operation: "AddIndex(model_name='order')",
            message: 'AddIndex without concurrently locks writes',
            help: 'use concurrently: true',
            docs: 'docs/rules/DORM-M003.md',
            changed_line: true,
          },
        ],
      },
      dry_run: {
        pending: ['shop.0002_order_status'],
        plan: [{ app: 'shop', name: '0002_order_status', sql: ['CREATE INDEX ...'] }],
      },
      applied: ['shop.0002_order_status'],
      migrate: { applied: ['shop.0002_order_status'], pending: [], error: null },
      drift: { drift: false, explained_by_pending: false, findings: [] },
      failure: null,
    })
    expect(report.lint?.findings[0]?.code).toBe('DORM-M003')
    expect((report as Record<string, unknown>).migrate).toBeDefined()
  })
})
