/**
 * `dorm diff` as the CLI runs it: the original's text output (`OK — ...` / `Drift detected ...` +
 * `[kind] detail` lines), `--json`, `--apps` and the exit codes 0 (clean) and 1 (drift).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { diffCommand } from '../../../src/cli/commands/diff.js'
import { doctorCommand } from '../../../src/cli/commands/doctor.js'
import { main } from '../../../src/cli/main.js'
import { CharField, defineModel, getConnection, ImproperlyConfigured, IntegerField } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

const Gadget = defineModel('schemafix.Gadget', {
  fields: { name: new CharField({ maxLength: 40 }), weight: new IntegerField({ default: 0 }) },
})

function io(cwd = process.cwd()) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd, env: {} },
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

describe.each(testBackends())('dorm diff on %s', (backend: TestBackend) => {
  let url = ''

  beforeEach(async () => {
    url = await setupOrmDatabase(backend, 'diff_command', [Gadget])
  })
  afterEach(async () => {
    await teardownOrm()
  })

  it('prints OK and exits 0 when the schema matches', async () => {
    const run = io()
    expect(await diffCommand.run({ io: run.io, options: { alias: 'default' }, args: [] })).toBe(0)
    expect(run.out()).toBe("OK — no drift detected against alias 'default'.\n")
  })

  it('prints one [kind] line per finding and exits 1 on drift', async () => {
    await getConnection().execute('ALTER TABLE "schemafix_gadget" DROP COLUMN "weight"')
    await getConnection().execute('CREATE TABLE "schemafix_orphan" ("id" integer)')
    const run = io()
    expect(await diffCommand.run({ io: run.io, options: { alias: 'default', apps: ['schemafix'] }, args: [] })).toBe(1)
    expect(run.out()).toBe(
      "Drift detected against alias 'default': 2 finding(s)\n\n" +
        "[missing_column] Field schemafix.Gadget.weight expects column 'weight' on 'schemafix_gadget' — not found. " +
        "Run 'dorm migrate' (after 'dorm makemigrations' if no migration covers it).\n" +
        "[extra_table] Table 'schemafix_orphan' exists in the database but no model declares it. If it is a leftover, " +
        'drop it in a migration (RunSQL); if the app uses it, define a model for it (managed: false to leave its ' +
        'schema alone).\n',
    )
  })

  it('prints { findings, drift } with --json', async () => {
    await getConnection().execute('CREATE TABLE "schemafix_orphan" ("id" integer)')
    const run = io()
    expect(await diffCommand.run({ io: run.io, options: { json: true, apps: ['other,schemafix'] }, args: [] })).toBe(1)
    expect(JSON.parse(run.out())).toEqual({
      findings: [{ kind: 'extra_table', table: 'schemafix_orphan', detail: expect.any(String) }],
      drift: true,
    })
    const clean = io()
    expect(await diffCommand.run({ io: clean.io, options: { json: true, apps: ['other'] }, args: [] })).toBe(0)
    expect(clean.out()).toBe('{\n  "findings": [],\n  "drift": false\n}\n')
  })

  it('leaves an unknown alias to the CLI as a configuration error (exit 2)', async () => {
    const run = io()
    await expect(diffCommand.run({ io: run.io, options: { alias: 'nope' }, args: [] })).rejects.toThrow(
      ImproperlyConfigured,
    )
    expect(run.out()).toBe('')
  })

  it('runs through the CLI: options parsed, settings loaded, exit codes mapped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dorm-diff-cli-'))
    try {
      await writeFile(
        join(dir, 'dorm.config.ts'),
        `export default { DATABASES: { default: ${JSON.stringify(url)} } }\n`,
      )
      await getConnection().execute('CREATE TABLE "schemafix_orphan" ("id" integer)')
      const drift = io(dir)
      expect(await main(['diff', '--apps', 'schemafix', '--json'], drift.io, [diffCommand, doctorCommand])).toBe(1)
      expect(JSON.parse(drift.out())).toMatchObject({ drift: true, findings: [{ table: 'schemafix_orphan' }] })
      const clean = io(dir)
      expect(await main(['diff', '--apps', 'billing'], clean.io, [diffCommand])).toBe(0)
      expect(clean.out()).toBe("OK — no drift detected against alias 'default'.\n")
      const bad = io(dir)
      expect(await main(['diff', '--alias', 'nope'], bad.io, [diffCommand])).toBe(2)
      expect(bad.err()).toContain("Database alias 'nope' not found in DATABASES configuration")
      const doctor = io(dir)
      expect(await main(['doctor', '--no-connect', '--json'], doctor.io, [doctorCommand])).toBe(0)
      expect(JSON.parse(doctor.out())).toEqual({ warnings: [], notes: [] })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
