import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { resetSettings } from '../../conf/settings.js'
import type { CliIo } from '../command.js'
import { main } from '../main.js'

const project = fileURLToPath(new URL('../../../test/fixtures/lint/project', import.meta.url))

let out = ''
let err = ''
function io(cwd: string): CliIo {
  out = ''
  err = ''
  return {
    stdout: (text) => {
      out += text
    },
    stderr: (text) => {
      err += text
    },
    cwd,
    env: {},
  }
}

afterEach(() => {
  resetSettings()
})

const engine = fileURLToPath(new URL('../../', import.meta.url))

/** A temporary copy of the fixture project whose imports point at this checkout. */
async function copyProject(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'dorm-lint-cli-'))
  cpSync(project, copy, { recursive: true })
  for (const file of [
    'dorm.config.ts',
    'myapp/models.ts',
    ...['0001_initial', '0002_author_name', '0003_add_score'].map((n) => `myapp/migrations/${n}.ts`),
  ]) {
    const path = join(copy, file)
    writeFileSync(path, readFileSync(path, 'utf8').replace(/'(\.\.\/)+src\//g, `'${engine}`))
  }
  return copy
}

describe('dorm lint-migrations', () => {
  it("reproduces the seed's example and exits 1", async () => {
    expect(await main(['lint-migrations'], io(project))).toBe(1)
    const lines = out.split('\n')
    expect(
      lines[0]?.startsWith(
        'DORM-M001 myapp/migrations/0003_add_score.ts: AddField with null=False and a default backfills every row of the table at migration time. ',
      ),
    ).toBe(true)
    expect(lines.slice(1)).toEqual(["    op: AddField(name='score', model_name='author')", '', '1 finding(s).', ''])
    expect(err).toBe('')
  })

  it('--exit-zero exits 0 with the findings printed; --format json prints the list', async () => {
    expect(await main(['lint-migrations', '--exit-zero', '--format', 'json'], io(project))).toBe(0)
    expect(JSON.parse(out)).toMatchObject([{ code: 'DORM-M001', file: 'myapp/migrations/0003_add_score.ts', line: 6 }])
  })

  it('exits 0 when clean (--rule filters) and 2 for an unknown rule or app', async () => {
    expect(await main(['lint-migrations', '--rule', 'DORM-M003'], io(project))).toBe(0)
    expect(out).toBe('No issues found.\n')
    expect(await main(['lint-migrations', '--rule', 'DORM-M999'], io(project))).toBe(2)
    expect(err).toContain('Unknown lint rule DORM-M999')
    expect(await main(['lint-migrations', 'nope'], io(project))).toBe(2)
    expect(err).toContain("No installed app 'nope'. Installed apps: myapp.")
  })

  it('--format sarif and github', async () => {
    expect(await main(['lint-migrations', '--format', 'sarif'], io(project))).toBe(1)
    expect(JSON.parse(out).runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'myapp/migrations/0003_add_score.ts' },
      region: { startLine: 6, startColumn: 16 },
    })
    expect(await main(['lint-migrations', '--format', 'github'], io(project))).toBe(1)
    expect(out).toMatch(/^::warning file=myapp\/migrations\/0003_add_score.ts,line=6,col=16,title=DORM-M001::AddField/)
  })

  it('--write-baseline then --baseline reports only new findings; a bad baseline is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorm-lint-baseline-'))
    try {
      const path = join(dir, 'baseline.json')
      expect(await main(['lint-migrations', '--write-baseline', path], io(project))).toBe(0)
      expect(out).toBe(`Wrote 1 finding(s) to ${path}.\n`)
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
        version: 1,
        findings: [{ code: 'DORM-M001', file: 'myapp/migrations/0003_add_score.ts' }],
      })
      expect(await main(['lint-migrations', '--baseline', path], io(project))).toBe(0)
      expect(out).toBe('No issues found.\n')
      writeFileSync(path, '{"version":1,"findings":[]}\n')
      expect(await main(['lint-migrations', '--baseline', path], io(project))).toBe(1)
      expect(await main(['lint-migrations', '--baseline', join(dir, 'nope.json')], io(project))).toBe(2)
      expect(err).toContain('Cannot read baseline')
      expect(await main(['lint-migrations', '--baseline', path, '--write-baseline', path], io(project))).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--since: a bad ref is a usage error naming it', async () => {
    expect(await main(['lint-migrations', '--since', 'no-such-ref-xyz'], io(project))).toBe(2)
    expect(err).toContain("'no-such-ref-xyz'")
  })

  it('a file-level noqa silences the finding; a stale one is reported', async () => {
    const copy = await copyProject()
    try {
      writeFileSync(
        join(copy, 'myapp/migrations/0003_add_score.ts'),
        [
          `import { IntegerField } from '${engine}index.js'`,
          `import { AddField, migration } from '${engine}migrations/index.js'`,
          '// noqa: DORM-M001, DORM-M003',
          'export default migration({',
          "  dependencies: [['myapp', '0002_author_name']],",
          "  operations: [new AddField({ modelName: 'author', name: 'score', field: new IntegerField({ default: 0 }) })],",
          '})',
          '',
        ].join('\n'),
      )
      expect(await main(['lint-migrations'], io(copy))).toBe(1)
      expect(out).toBe(
        'DORM-M098 myapp/migrations/0003_add_score.ts: unused suppression: `// noqa: DORM-M003` suppresses nothing — no DORM-M003 finding in this file.\n' +
          '    op: <file>\n\n1 finding(s).\n',
      )
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  it('--fail-on: warning (the default) fails on any finding, error only on error-severity ones, never not at all', async () => {
    // the fixture's only finding is DORM-M001, a warning
    expect(await main(['lint-migrations', '--fail-on', 'warning'], io(project))).toBe(1)
    expect(await main(['lint-migrations', '--fail-on', 'error'], io(project))).toBe(0)
    expect(out).toContain('DORM-M001 myapp/migrations/0003_add_score.ts')
    expect(out).toContain('1 finding(s).')
    expect(await main(['lint-migrations', '--fail-on', 'never', '--format', 'json'], io(project))).toBe(0)
    expect(JSON.parse(out)).toMatchObject([{ code: 'DORM-M001', severity: 'warning' }])
    expect(await main(['lint-migrations', '--fail-on', 'errors'], io(project))).toBe(2)
    expect(err).toContain('errors')

    const copy = await copyProject()
    try {
      // an error-severity finding (DORM-M000: the file fails to load) fails --fail-on error
      writeFileSync(join(copy, 'myapp/migrations/0004_broken.ts'), "throw new Error('typo')\n")
      expect(await main(['lint-migrations', '--fail-on', 'error'], io(copy))).toBe(1)
      expect(out).toContain('DORM-M000 myapp/migrations/0004_broken.ts')
      expect(await main(['lint-migrations', '--fail-on', 'error', '--exit-zero'], io(copy))).toBe(0)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
