/**
 * `command: check` on a pull request, as the runner runs the committed bundle: annotations at the
 * operation's file, line and column, outputs, the job summary, the exit code of `fail-on`, one
 * sticky comment created then updated, nothing applied, and the database URL never shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appliedMigrations, createDatabase } from './support/database.js'
import { type Recorder, startFakeGithub } from './support/recorder.js'
import { type ActionRun, PR_NUMBER, REPOSITORY, runAction } from './support/run-action.js'
import { expectNeverShown } from './support/secrets.js'
import { createWorkspace, type Workspace } from './support/workspace.js'

const M0002 = 'project/src/shop/migrations/0002_order_status.ts'
const M0003 = 'project/src/shop/migrations/0003_customer_country.ts'
const DOCS = 'https://github.com/dorm/action/blob/v1/docs/rules'

describe('check on a pull request with a database', () => {
  let ws: Workspace
  let api: Recorder & { comments: Map<number, string> }
  let url: string
  let first: ActionRun
  let second: ActionRun

  beforeAll(async () => {
    ws = createWorkspace()
    api = await startFakeGithub()
    url = await createDatabase('check')
    const options = {
      workspace: ws.dir,
      apiUrl: api.url,
      event: { name: 'pull_request' as const, baseSha: ws.baseSha, headSha: ws.headSha },
    }
    const inputs = { command: 'check', 'working-directory': 'project', 'database-url': url, 'github-token': 'ghs_fake' }
    first = await runAction({ ...options, inputs })
    second = await runAction({ ...options, inputs: { ...inputs, 'fail-on': 'never' } })
  })

  afterAll(async () => {
    await api?.close()
    ws?.remove()
  })

  it('annotates each finding at its migration file, line and column, titled with the code', () => {
    const annotations = first.commands.filter((line) => /^::(warning|error) /.test(line))
    expect(annotations.map((line) => line.slice(0, line.indexOf('::', 2) + 2))).toEqual([
      `::error file=${M0003},line=6,col=16,title=DORM-M018::`,
      `::warning file=${M0002},line=8,col=5,title=DORM-M001::`,
      `::warning file=${M0002},line=9,col=5,title=DORM-M008::`,
      `::warning file=${M0002},line=10,col=5,title=DORM-M003::`,
      `::warning file=${M0002},line=10,col=5,title=DORM-M020::`,
    ])
    const m003 = annotations.find((line) => line.includes('title=DORM-M003'))
    expect(m003).toMatch(
      new RegExp(
        `^::warning file=${M0002},line=10,col=5,title=DORM-M003::AddIndex without concurrently=True .+%0APass concurrently: true .+%0ADocs: ${DOCS}/DORM-M003\\.md$`,
      ),
    )
  })

  it('fails with exit 1 under fail-on: error (one error finding) and passes under fail-on: never', () => {
    expect(first.code).toBe(1)
    expect(first.commands).toContain(
      '::error::1 migration lint finding(s) at or above fail-on: error. Fix them (each annotation says how), suppress an accepted one with // noqa: DORM-M0NN on its line, or change fail-on.',
    )
    expect(second.code).toBe(0)
    expect(second.commands.some((line) => line.startsWith('::error::'))).toBe(false)
  })

  it('sets the outputs, with the SARIF and JSON report files', () => {
    expect(first.outputs).toMatchObject({
      findings: '5',
      errors: '1',
      warnings: '4',
      pending: '3',
      applied: '0',
      drift: 'true',
      failure: 'findings',
    })
    expect(second.outputs.failure).toBe('')
    const sarif = JSON.parse(first.outputs.sarif_content ?? '{}')
    expect(sarif.version).toBe('2.1.0')
    const results = sarif.runs[0].results as Array<{
      ruleId: string
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>
    }>
    expect(results).toHaveLength(5)
    expect(results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toContain(M0003)
    const report = JSON.parse(first.outputs.report_content ?? '{}')
    expect(report).toMatchObject({
      command: 'check',
      working_directory: 'project',
      fail_on: 'error',
      ok: false,
      failure: { kind: 'findings' },
      run: { repository: REPOSITORY, pull_request: PR_NUMBER, git_sha: ws.headSha },
      lint: { since: ws.baseSha, errors: 1, warnings: 4, not_annotated: 0 },
      dry_run: { pending: ['shop.0001_initial', 'shop.0002_order_status', 'shop.0003_customer_country'] },
      drift: { drift: true, explained_by_pending: true },
    })
    expect(report.lint.findings[0]).toMatchObject({ code: 'DORM-M018', file: M0003, line: 6, changed_line: true })
  })

  it('writes the job summary: findings table, pending migrations, dry-run SQL with locks, drift', () => {
    const summary = first.summary
    expect(summary).toContain('## dorm check: ❌ failed (findings)')
    expect(summary).toContain('### Lint: 5 finding(s) in files changed since')
    expect(summary).toContain(`| ⚠️ warning | [DORM-M003](${DOCS}/DORM-M003.md) | \`${M0002}:10:5\` (changed) |`)
    expect(summary).toContain('### Pending migrations: 3')
    expect(summary).toContain('<details><summary><code>shop.0002_order_status</code>: 5 statement(s)</summary>')
    expect(summary).toContain('CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status");')
    expect(summary).toContain(
      '| 5 | `CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status")` | SHARE | writes |',
    )
    expect(summary).toContain('| 4 | `ALTER TABLE "shop_order" RENAME COLUMN "total" TO "amount"` | ACCESS EXCLUSIVE |')
    expect(summary).toContain('### Drift: 2 finding(s)')
    expect(summary).toContain('Expected until the pending migrations are applied')
    expect(second.summary).toContain('## dorm check: ✅ passed')
  })

  it('creates the sticky comment once, then updates it (one POST, then one PATCH)', () => {
    const writes = api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
    expect(writes).toEqual([
      `POST /repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`,
      `PATCH /repos/${REPOSITORY}/issues/comments/1000`,
    ])
    expect(api.requests.every((r) => r.headers.authorization === 'token ghs_fake')).toBe(true)
    expect(api.comments.size).toBe(1)
    const body = api.comments.get(1000) ?? ''
    expect(body).toContain('## dorm check: ✅ passed')
    expect(body).toContain('<!-- dorm-action:sticky-comment dir=project -->')
  })

  it('applies nothing and never shows the database URL or its password', async () => {
    expect(await appliedMigrations(url)).toEqual([])
    for (const run of [first, second]) {
      expectNeverShown(run, url)
      expectNeverShown(run, 'S3cret-pw-123')
      expectNeverShown(run, 'ghs_fake')
    }
    expect(first.commands).toContain(`::add-mask::${url}`)
  })
})
