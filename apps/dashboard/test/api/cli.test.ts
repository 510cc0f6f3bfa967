/**
 * The operator CLI end to end on a real store: environments, a key whose secret is printed once
 * and then works against the ingest handler, listing without secrets, revocation, prune, and the
 * exit codes of refused and malformed commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { runDashboardCli } from '../../scripts/dashboard-cli'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { ingestRequest, telemetryBatch } from '../support/telemetry'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runDashboardCli(argv, {
    stdout: (text) => {
      out += text
    },
    stderr: (text) => {
      err += text
    },
  })
  return { code, out, err }
}

describe.each(dashboardTestBackends())('operator CLI on %s', (backend) => {
  beforeAll(() => useFreshStore(backend, 'cli'))
  afterAll(closeDatabase)

  it('creates and lists environments', async () => {
    expect(await cli('env', 'create', 'production')).toMatchObject({
      code: 0,
      out: "Created environment 'production' (id 1).\n",
    })
    const listed = await cli('env', 'list', '--json')
    expect(JSON.parse(listed.out).map((e: { name: string }) => e.name)).toEqual(['production'])
    const again = await cli('env', 'create', 'production')
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/already exists/)
  })

  it('prints a key’s secret once; the key ingests until revoked', async () => {
    const created = await cli('key', 'create', '--env', 'production', '--kind', 'ingest', '--label', 'web')
    expect(created.code).toBe(0)
    const secret = /^(dk_ingest_[0-9A-Za-z]{32})$/m.exec(created.out)?.[1] as string
    expect(secret).toBeDefined()
    expect((await POST(ingestRequest(secret, telemetryBatch()))).status).toBe(202)

    const listed = await cli('key', 'list', '--env', 'production')
    expect(listed.out).toMatch(/ingest\s+dk_ingest_\w{6}…\s+web/)
    expect(listed.out).not.toContain(secret)

    const id = /key (\d+) /.exec(created.out)?.[1] as string
    expect(await cli('key', 'revoke', id)).toMatchObject({ code: 0, out: `Revoked key ${id}.\n` })
    expect((await POST(ingestRequest(secret, telemetryBatch()))).status).toBe(401)
  })

  it('answers 1 for refused commands and 2 for malformed ones', async () => {
    expect((await cli('key', 'create', '--env', 'nowhere', '--kind', 'ci')).code).toBe(1)
    expect((await cli('key', 'revoke', '999')).code).toBe(1)
    expect((await cli('key', 'create', '--env', 'production', '--kind', 'admin')).code).toBe(2)
    expect((await cli('key', 'revoke', 'abc')).code).toBe(2)
    expect((await cli('nonsense')).code).toBe(2)
  })

  it('prunes', async () => {
    const pruned = await cli('prune', '--json')
    expect(pruned.code).toBe(0)
    expect(JSON.parse(pruned.out).deleted).toMatchObject({ slow_queries: 0, rollups_1d: 0 })
  })
})
