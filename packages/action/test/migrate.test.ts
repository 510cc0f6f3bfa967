/**
 * `command: migrate` as a deploy gate on a push: lint blocks it at `fail-on` (nothing applied), it
 * applies and checks drift when lint passes, and it sends the deploy report to the dashboard;
 * a dashboard that is down only gives a warning.
 */
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appliedMigrations, createDatabase } from './support/database.js'
import { type Recorder, startRecorder } from './support/recorder.js'
import { runAction } from './support/run-action.js'
import { expectNeverShown } from './support/secrets.js'
import { createWorkspace, type Workspace } from './support/workspace.js'

const ALL = ['shop.0001_initial', 'shop.0002_order_status', 'shop.0003_customer_country']

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('migrate on push to main', () => {
  let ws: Workspace
  let url: string
  let dashboard: Recorder

  beforeAll(async () => {
    ws = createWorkspace()
    url = await createDatabase('migrate')
    dashboard = await startRecorder((_request, response) => {
      response.writeHead(202, { 'content-type': 'application/json' })
      response.end('{"accepted":1,"rejected":0,"errors":[]}')
    })
  })

  afterAll(async () => {
    await dashboard?.close()
    ws?.remove()
  })

  const migrate = (inputs: Record<string, string>) =>
    runAction({
      workspace: ws.dir,
      inputs: {
        command: 'migrate',
        'working-directory': 'project',
        'database-url': url,
        'dashboard-url': dashboard.url,
        'dashboard-token': 'ci-key-123',
        environment: 'production',
        ...inputs,
      },
    })

  it('is blocked by an error finding under fail-on: error: exit 1, nothing applied, reported as blocked', async () => {
    const run = await migrate({})
    expect(run.code).toBe(1)
    expect(run.commands).toContainEqual(
      expect.stringMatching(/^::error::Not migrating: 1 lint finding\(s\) at or above fail-on: error/),
    )
    expect(run.outputs).toMatchObject({ applied: '0', failure: 'findings' })
    expect(await appliedMigrations(url)).toEqual([])
    expect(dashboard.requests).toHaveLength(1)
    expect(JSON.parse(dashboard.requests[0]?.body ?? '{}')).toMatchObject({ status: 'blocked', applied: [] })
  })

  it('applies every migration under fail-on: never, finds no drift and sends the deploy report', async () => {
    const run = await migrate({ 'fail-on': 'never' })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ applied: '3', pending: '0', drift: 'false', failure: '', findings: '5' })
    expect(await appliedMigrations(url)).toEqual(ALL)
    expect(run.summary).toContain('### Applied: 3 migration(s)')
    expect(run.summary).toContain('### Drift: none')
    const request = dashboard.requests[1]
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/api/v1/deployments')
    expect(request?.headers.authorization).toBe('Bearer ci-key-123')
    const report = JSON.parse(request?.body ?? '{}')
    expect(report).toMatchObject({
      environment: 'production',
      status: 'applied',
      repository: 'octo/shop',
      git_sha: 'f'.repeat(40),
      ref: 'refs/heads/main',
      pull_request: null,
      run_url: 'https://github.com/octo/shop/actions/runs/4242/attempts/1',
      applied: ALL,
      lint: { errors: 1, warnings: 4 },
      drift: { drift: false },
    })
    expect(report.dry_run.plan.map((step: { name: string }) => step.name)).toEqual([
      '0001_initial',
      '0002_order_status',
      '0003_customer_country',
    ])
    expect(report.dry_run.plan[1].sql).toContain('ALTER TABLE "shop_order" RENAME COLUMN "total" TO "amount"')
    expect(request?.body).not.toContain(url)
    expectNeverShown(run, url)
    expectNeverShown(run, 'ci-key-123')
  })

  it('does not fail the deploy when the dashboard is down (a warning only)', async () => {
    const port = await closedPort()
    const run = await migrate({ 'fail-on': 'never', 'dashboard-url': `http://127.0.0.1:${port}` })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ applied: '0', pending: '0', drift: 'false' })
    expect(run.commands).toContainEqual(
      expect.stringMatching(
        new RegExp(`^::warning::The deploy report did not reach the dorm dashboard at http://127\\.0\\.0\\.1:${port} `),
      ),
    )
  })
})
