/**
 * Bad inputs and a broken setup end in `setFailed` with the fix, exit code 4, and nothing applied.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appliedMigrations, createDatabase } from './support/database.js'
import { runAction } from './support/run-action.js'
import { expectNeverShown } from './support/secrets.js'
import { createWorkspace, type Workspace } from './support/workspace.js'

describe('configuration errors', () => {
  let ws: Workspace
  let bare: Workspace
  let url: string

  beforeAll(async () => {
    ws = createWorkspace()
    bare = createWorkspace({ withoutDorm: true })
    url = await createDatabase('bad_inputs')
  })

  afterAll(() => {
    ws?.remove()
    bare?.remove()
  })

  const errorLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('::error::'))

  it('an unknown command names the valid ones', async () => {
    const run = await runAction({ workspace: ws.dir, inputs: { command: 'lnt', 'working-directory': 'project' } })
    expect(run.code).toBe(4)
    expect(errorLine(run.stdout)).toBe(
      "::error::Unknown command 'lnt'. Use one of: lint, dry-run, migrate, diff, check.",
    )
  })

  it.each(['migrate', 'diff', 'dry-run'])('%s without database-url says to pass it from a secret', async (command) => {
    const run = await runAction({ workspace: ws.dir, inputs: { command, 'working-directory': 'project' } })
    expect(run.code).toBe(4)
    expect(errorLine(run.stdout)).toBe(
      `::error::command '${command}' needs the database-url input: pass a direct connection URL from a secret, e.g. database-url: \${{ secrets.DATABASE_URL }} (not a transaction-mode pooler).`,
    )
  })

  it('a settings file that does not exist: the fix, nothing applied, the URL masked', async () => {
    const run = await runAction({
      workspace: ws.dir,
      inputs: {
        command: 'migrate',
        'working-directory': 'project',
        'database-url': url,
        settings: 'missing.config.ts',
      },
    })
    expect(run.code).toBe(4)
    expect(errorLine(run.stdout)).toBe(
      `::error::Settings file '${join(ws.project, 'missing.config.ts')}' does not exist. Set the settings input to a readable file relative to working-directory (e.g. dorm.config.ts), or leave it empty to use dorm.config.ts in working-directory.`,
    )
    expect(await appliedMigrations(url)).toEqual([])
    expectNeverShown(run, url)
  })

  it('a settings path that is a directory cannot be read', async () => {
    const dir = join(ws.project, 'settings-dir')
    mkdirSync(dir)
    chmodSync(dir, 0o755)
    try {
      const run = await runAction({
        workspace: ws.dir,
        inputs: { command: 'migrate', 'working-directory': 'project', 'database-url': url, settings: 'settings-dir' },
      })
      expect(run.code).toBe(4)
      expect(errorLine(run.stdout)).toMatch(/^::error::Settings file '.*settings-dir' cannot be read\. /)
      expect(await appliedMigrations(url)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('a settings file that fails to load reports dorm’s message (exit 2 of the CLI), nothing applied', async () => {
    writeFileSync(join(ws.project, 'broken.config.ts'), 'export default {\n')
    const run = await runAction({
      workspace: ws.dir,
      inputs: { command: 'migrate', 'working-directory': 'project', 'database-url': url, settings: 'broken.config.ts' },
    })
    expect(run.code).toBe(4)
    expect(errorLine(run.stdout)).toMatch(
      /^::error::dorm .*rejected its configuration \(exit 2\): error loading settings: /,
    )
    expect(await appliedMigrations(url)).toEqual([])
    expectNeverShown(run, url)
  })

  it('a project without node_modules/.bin/dorm is told to install its dependencies first', async () => {
    const run = await runAction({ workspace: bare.dir, inputs: { command: 'lint', 'working-directory': 'project' } })
    expect(run.code).toBe(4)
    expect(errorLine(run.stdout)).toBe(
      `::error::dorm is not installed in ${bare.project}: install your dependencies first (npm ci) so node_modules/.bin/dorm exists, in a step before this Action (with @dorm/engine in the project dependencies).`,
    )
  })

  it('an unknown fail-on and a working-directory that does not exist', async () => {
    const failOn = await runAction({ workspace: ws.dir, inputs: { command: 'lint', 'fail-on': 'sometimes' } })
    expect(errorLine(failOn.stdout)).toBe("::error::Unknown fail-on 'sometimes'. Use one of: error, warning, never.")
    const dir = await runAction({ workspace: ws.dir, inputs: { command: 'lint', 'working-directory': 'nope' } })
    expect(dir.code).toBe(4)
    expect(errorLine(dir.stdout)).toBe(
      `::error::working-directory '${join(ws.dir, 'nope')}' is not a directory. Set it to the folder holding dorm.config.ts, relative to the repository root.`,
    )
  })
})
