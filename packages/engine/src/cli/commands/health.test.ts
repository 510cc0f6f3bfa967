import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetSettings } from '../../conf/settings.js'
import type { CliIo } from '../command.js'
import { main } from '../main.js'

let dir: string
let out: string
let io: CliIo

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dorm-cli-health-'))
  out = ''
  io = {
    stdout: (text) => {
      out += text
    },
    stderr: () => undefined,
    cwd: dir,
    env: {},
  }
  const db = join(dir, 'health.sqlite3')
  await writeFile(join(dir, 'dorm.config.ts'), `export default { DATABASES: { default: 'sqlite:///${db}' } }\n`)
})

afterEach(async () => {
  resetSettings()
  await rm(dir, { recursive: true, force: true })
})

describe('dorm health', () => {
  it('prints the report as 2-space JSON and exits 0 when ok', async () => {
    expect(await main(['health'], io)).toBe(0)
    const report = JSON.parse(out)
    expect(report).toEqual({ status: 'ok', alias: 'default', elapsed_ms: expect.any(Number) })
    expect(out).toBe(`${JSON.stringify(report, null, 2)}\n`)
  })

  it('--deep adds the pool report', async () => {
    expect(await main(['health', '--deep'], io)).toBe(0)
    expect(JSON.parse(out).pool).toMatchObject({ alias: 'default', vendor: 'sqlite', has_pool: false })
  })

  it('exits 1 when the status is error (an unknown alias)', async () => {
    expect(await main(['health', '--alias', 'nope'], io)).toBe(1)
    const report = JSON.parse(out)
    expect(report).toMatchObject({ status: 'error', alias: 'nope' })
    expect(report.error).toMatch(/^ImproperlyConfigured: Database alias 'nope' not found/)
  })
})
