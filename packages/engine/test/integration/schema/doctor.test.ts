/**
 * `runDoctor` and `dorm doctor` against the test PostgreSQL server: max_connections is read through
 * the alias and weighed against MAX_POOL_SIZE × WEB_CONCURRENCY; an unreachable server is a note,
 * not a failure; the command prints the original's report and exits 1 only on warnings.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { doctorCommand } from '../../../src/cli/commands/doctor.js'
import { runDoctor } from '../../../src/doctor/doctor.js'
import { closeAll, configure, getConnection, resetSettings } from '../../../src/index.js'
import { pgUrl, testBackends } from '../../support/backends.js'

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: process.cwd(), env },
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

describe.runIf(testBackends().includes('postgres'))('doctor against PostgreSQL', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('reads max_connections and warns when the pools of all workers exceed half of it', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 10 } } })
    const { rows } = await getConnection().execute<{ max: number }>(
      "SELECT current_setting('max_connections')::int AS max",
    )
    const max = Number(rows[0]?.max)
    expect(max).toBeGreaterThan(0)
    const fits = String(Math.max(1, Math.floor(max / 2 / 10)))
    expect((await runDoctor({ env: { WEB_CONCURRENCY: fits } })).warnings).toEqual([])

    const workers = Math.floor(max / 2 / 10) + 1
    const report = await runDoctor({ env: { WEB_CONCURRENCY: String(workers) } })
    expect(report.warnings).toEqual([
      {
        code: 'DORM-D016',
        alias: 'default',
        message: expect.stringContaining(
          `MAX_POOL_SIZE 10 × ${workers} worker(s) (WEB_CONCURRENCY) = ${10 * workers} connections to ` +
            `127.0.0.1:${new URL(pgUrl()).port}, more than half of its max_connections (${max})`,
        ),
      },
    ])
  })

  it('notes a server it cannot reach instead of failing', async () => {
    configure({
      DATABASES: { default: { URL: 'postgres://nobody@127.0.0.1:1/none', MAX_POOL_SIZE: 10, MIN_POOL_SIZE: 0 } },
    })
    const report = await runDoctor({ env: {}, timeoutMs: 3000 })
    expect(report.warnings).toEqual([])
    expect(report.notes).toEqual([
      expect.objectContaining({
        code: 'DORM-D017',
        message: expect.stringContaining('could not read max_connections'),
      }),
    ])
  })

  it('prints the report and exits 1 on warnings, 0 otherwise', async () => {
    configure({ DATABASES: { default: { URL: pgUrl(), MAX_POOL_SIZE: 2, POOL_CHECK: false } } })
    const run = io()
    expect(await doctorCommand.run({ io: run.io, options: {}, args: [] })).toBe(1)
    expect(run.out()).toBe(
      'dorm doctor — 1 warning(s), 1 note(s)\n\n' +
        'warnings:\n' +
        "  ! DATABASES['default']: MAX_POOL_SIZE=2 is small for production; raise to 10–20 unless this is a " +
        'worker-per-process layout.\n\n' +
        'notes:\n' +
        "  · DATABASES['default']: POOL_CHECK=false — fine on hot paths but expect the occasional dead-connection " +
        'surprise during PostgreSQL restarts and failovers.\n\n',
    )

    configure({ DATABASES: { default: { URL: pgUrl(), POOL_CHECK: false } } })
    const json = io()
    expect(await doctorCommand.run({ io: json.io, options: { json: true }, args: [] })).toBe(0)
    expect(JSON.parse(json.out())).toEqual({
      warnings: [],
      notes: [{ code: 'DORM-D004', alias: 'default', message: expect.stringContaining('POOL_CHECK=false') }],
    })

    configure({ DATABASES: { default: pgUrl() } })
    const clean = io()
    expect(await doctorCommand.run({ io: clean.io, options: { connect: false }, args: [] })).toBe(0)
    expect(clean.out()).toBe('dorm doctor — 0 warning(s), 0 note(s)\n\neverything looks reasonable — go ship.\n')
  })
})
