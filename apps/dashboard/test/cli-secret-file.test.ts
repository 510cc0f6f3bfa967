/**
 * The operator CLI's first-setup options, as docker-compose.yml's bootstrap uses them: `env create
 * --if-missing` run again and again, `key create --secret-file` writing a working secret to a file
 * (mode 0600, not printed), `--if-missing` keeping an active key and replacing a revoked or foreign one.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../app/api/v1/ingest/route'
import { closeDatabase } from '../lib/db'
import { listKeys } from '../lib/keys'
import { runDashboardCli } from '../scripts/dashboard-cli'
import { dashboardTestBackends, useFreshStore } from './support/stores'
import { ingestRequest, telemetryBatch } from './support/telemetry'

describe.each(dashboardTestBackends())('operator CLI first setup on %s', (backend) => {
  let dir: string

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const io = {
      stdout: (text: string) => {
        out += text
      },
      stderr: (text: string) => {
        err += text
      },
    }
    const code = await runDashboardCli(argv, io, { cwd: dir })
    return { code, out, err }
  }

  const createIngestKey = (...extra: string[]) =>
    cli('key', 'create', '--env', 'demo', '--kind', 'ingest', '--secret-file', 'keys/ingest.key', ...extra)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `dorm-cli-secret-${backend}-`))
    await useFreshStore(backend, 'cli_secret_file')
  })
  afterAll(async () => {
    await closeDatabase()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates an environment once and accepts it afterwards with --if-missing', async () => {
    expect(await cli('env', 'create', 'demo', '--if-missing')).toMatchObject({
      code: 0,
      out: "Created environment 'demo' (id 1).\n",
    })
    expect(await cli('env', 'create', 'demo', '--if-missing')).toMatchObject({
      code: 0,
      out: "Kept existing environment 'demo' (id 1).\n",
    })
    expect((await cli('env', 'create', 'demo')).code).toBe(1)
    const bad = await cli('env', 'create', 'no spaces', '--if-missing')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/not valid/)
  })

  it('writes the secret to the file (0600, relative to the cwd), never to stdout, and the key ingests', async () => {
    const created = await createIngestKey()
    expect(created.code).toBe(0)
    const file = join(dir, 'keys', 'ingest.key')
    expect(created.out).toContain(`secret written to ${file}`)
    const secret = (await readFile(file, 'utf8')).trim()
    expect(secret).toMatch(/^dk_ingest_[0-9A-Za-z]{32}$/)
    expect(created.out).not.toContain(secret)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await POST(ingestRequest(secret, telemetryBatch()))).status).toBe(202)
  })

  it('keeps an active key with --if-missing, and replaces a revoked or unknown one', async () => {
    const file = join(dir, 'keys', 'ingest.key')
    const first = await readFile(file, 'utf8')
    const kept = await createIngestKey('--if-missing')
    expect(kept).toMatchObject({ code: 0, out: `Kept the active ingest key for 'demo' in ${file}.\n` })
    expect(await readFile(file, 'utf8')).toBe(first)
    expect(await listKeys('demo')).toHaveLength(1)

    const [only] = await listKeys('demo')
    expect((await cli('key', 'revoke', String(only?.id))).code).toBe(0)
    expect((await createIngestKey('--if-missing')).out).toMatch(/^Created ingest key \d+ /)
    const second = (await readFile(file, 'utf8')).trim()
    expect(second).not.toBe(first.trim())
    expect((await POST(ingestRequest(second, telemetryBatch()))).status).toBe(202)

    await writeFile(file, 'not a key\n')
    expect((await createIngestKey('--if-missing')).out).toMatch(/^Created ingest key \d+ /)
    expect(await listKeys('demo')).toHaveLength(3)
  })

  it('does not keep a key of another environment or kind', async () => {
    expect((await cli('env', 'create', 'other', '--if-missing')).code).toBe(0)
    const other = await cli('key', 'create', '--env', 'other', '--kind', 'ingest', '--secret-file', 'keys/ingest.key')
    expect(other.code).toBe(0)
    expect((await createIngestKey('--if-missing')).out).toMatch(/^Created ingest key \d+ /)
    const ci = await cli('key', 'create', '--env', 'demo', '--kind', 'ci', '--secret-file', 'keys/ingest.key')
    expect(ci.code).toBe(0)
    expect((await createIngestKey('--if-missing')).out).toMatch(/^Created ingest key \d+ /)
  })

  it('refuses --if-missing without --secret-file (exit 2, saying what to add)', async () => {
    const refused = await cli('key', 'create', '--env', 'demo', '--kind', 'ingest', '--if-missing')
    expect(refused.code).toBe(2)
    expect(refused.err).toMatch(/--if-missing needs --secret-file/)
  })
})
