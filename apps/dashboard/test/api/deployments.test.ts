/**
 * `POST /api/v1/deployments` (CI key): a report validated by the shared deployReportSchema is
 * stored whole as a Deployment of the key's environment; a retried upload of the same run is not
 * stored twice; a bad report is a 400 naming the field; another environment is a 403. And
 * `GET /api/v1/health` answers without auth.
 */

import type { deployReportSchema } from '@dorm/engine/contrib/telemetry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { POST } from '../../app/api/v1/deployments/route'
import { GET as health } from '../../app/api/v1/health/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey } from '../../lib/keys'
import { Deployment } from '../../lib/models'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest } from '../support/telemetry'

const PATH = { path: '/api/v1/deployments' }

function report(overrides: Partial<z.input<typeof deployReportSchema>> = {}): z.input<typeof deployReportSchema> {
  return {
    environment: 'production',
    status: 'applied',
    repository: 'acme/shop',
    git_sha: 'a1b2c3d4',
    ref: 'refs/heads/main',
    run_url: 'https://github.com/acme/shop/actions/runs/1',
    finished_at: '2025-03-03T10:05:00.000Z',
    lint: {
      errors: 1,
      warnings: 0,
      findings: [
        {
          code: 'DORM-M003',
          severity: 'error',
          file: 'shop/migrations/0007_add_index.ts',
          line: 12,
          message: 'CREATE INDEX without CONCURRENTLY locks writes to "shop_order"',
        },
      ],
    },
    dry_run: {
      pending: ['shop.0007_add_index'],
      plan: [
        {
          app: 'shop',
          name: '0007_add_index',
          sql: ['CREATE INDEX "shop_order_created_idx" ON "shop_order" ("created_at")'],
        },
      ],
    },
    applied: ['shop.0007_add_index'],
    drift: { drift: false, findings: [] },
    ...overrides,
  }
}

describe.each(dashboardTestBackends())('deployments on %s', (backend) => {
  let ci: string

  beforeAll(async () => {
    await useFreshStore(backend, 'deployments')
    await createEnvironment('production')
    ci = (await createKey({ environment: 'production', kind: 'ci' })).secret
  })
  afterAll(closeDatabase)

  it('stores the report whole, with its summary fields', async () => {
    const response = await POST(ingestRequest(ci, report(), PATH))
    expect(response.status).toBe(202)
    const body = await response.json()
    expect(body).toEqual({ accepted: 1, rejected: 0, errors: [], id: expect.any(Number) })
    const stored = await Deployment.objects.selectRelated('environment').get({ id: body.id })
    expect(stored.environment.name).toBe('production')
    expect([stored.status, stored.git_sha, stored.errors, stored.warnings, stored.drift]).toEqual([
      'applied',
      'a1b2c3d4',
      1,
      0,
      false,
    ])
    expect(stored.applied).toEqual(['shop.0007_add_index'])
    const kept = stored.report as ReturnType<typeof report>
    expect(kept.lint?.findings[0]?.code).toBe('DORM-M003')
    expect(kept.dry_run?.plan[0]?.sql[0]).toMatch(/^CREATE INDEX/)
  })

  it('does not store a retried upload of the same run twice, but stores a later status', async () => {
    const again = await POST(ingestRequest(ci, report(), PATH))
    expect(again.status).toBe(202)
    expect((await again.json()).duplicate).toBe(true)
    expect(await Deployment.objects.count()).toBe(1)
    const failed = await POST(ingestRequest(ci, report({ status: 'failed' }), PATH))
    expect((await failed.json()).duplicate).toBeUndefined()
    expect(await Deployment.objects.count()).toBe(2)
  })

  it('answers 400 naming the field of a bad report', async () => {
    const bad = report()
    ;(bad.lint?.findings[0] as { code: string }).code = 'M3'
    const response = await POST(ingestRequest(ci, bad, PATH))
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toMatch(/^invalid deploy report: lint\.findings\[0\]\.code: a rule code such as DORM-M003/)
    expect(await Deployment.objects.count()).toBe(2)
  })

  it('answers 403 for a report naming another environment', async () => {
    const response = await POST(ingestRequest(ci, report({ environment: 'staging' }), PATH))
    expect(response.status).toBe(403)
    expect((await response.json()).error).toMatch(/belongs to environment 'production' but the report names 'staging'/)
  })

  it('GET /api/v1/health answers ok without auth', async () => {
    const response = await health()
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' })
  })
})
