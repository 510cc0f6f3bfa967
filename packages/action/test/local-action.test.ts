/**
 * The Action run by GitHub's own `@github/local-action`, which loads `src/main.ts` with its stubbed
 * `@actions/core`. It downloads about 330 MB, so it runs only with DORM_LOCAL_ACTION=1 (CI sets it
 * in a job of its own).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runLocalAction } from '../scripts/local-action.mjs'
import { createWorkspace, type Workspace } from './support/workspace.js'

const enabled = process.env.DORM_LOCAL_ACTION === '1'

describe.skipIf(!enabled)('@github/local-action (skipped unless DORM_LOCAL_ACTION=1: it downloads ~330 MB)', () => {
  let ws: Workspace
  let temp: string

  beforeAll(() => {
    ws = createWorkspace({ headMigrations: ['0002_order_status.ts'] })
    temp = mkdtempSync(join(tmpdir(), 'dorm-local-action-'))
  })

  afterAll(() => {
    ws?.remove()
    if (temp) rmSync(temp, { recursive: true, force: true })
  })

  it('lints the fixture project: annotations, outputs and a failing exit under fail-on: warning', async () => {
    const envFile = join(temp, 'action.env')
    writeFileSync(
      envFile,
      [
        'INPUT_COMMAND=lint',
        'INPUT_WORKING-DIRECTORY=project',
        'INPUT_FAIL-ON=warning',
        'INPUT_COMMENT=false',
        `GITHUB_WORKSPACE=${ws.dir}`,
        'GITHUB_REPOSITORY=octo/shop',
        'GITHUB_EVENT_NAME=push',
        `RUNNER_TEMP=${temp}`,
        '',
      ].join('\n'),
    )
    const { code, output } = await runLocalAction(envFile)
    expect(output).toMatch(/file=project\/src\/shop\/migrations\/0002_order_status\.ts/)
    expect(output).toContain('DORM-M003')
    expect(output).toMatch(/findings.{0,40}4/s)
    expect(output).toContain('4 migration lint finding(s) at or above fail-on: warning')
    expect(code).not.toBe(0)
  }, 900_000)
})
