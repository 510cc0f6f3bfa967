/**
 * The real `dorm` executable in a child process, from source (`node --import tsx src/cli/bin.ts`),
 * in the sample project `test/fixtures/cli-project` (app `clifix`).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, configure, resetSettings } from '../../../src/index.js'
import { Author, Book } from '../../fixtures/cli-project/src/clifix/models.js'
import { databaseFileFor } from '../../support/backends.js'
import { createTables } from '../../support/orm.js'

const BIN = fileURLToPath(new URL('../../../src/cli/bin.ts', import.meta.url))
const PROJECT = fileURLToPath(new URL('../../fixtures/cli-project', import.meta.url))
const ENGINE = fileURLToPath(new URL('../../../src/index.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

interface Run {
  code: number
  stdout: string
  stderr: string
}

function dorm(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  // the child must not pick up a DORM_SETTINGS of the developer's shell
  const env: Record<string, string | undefined> = { ...process.env, DORM_SETTINGS: undefined, ...options.env }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, BIN, ...args],
      { cwd: options.cwd ?? PROJECT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** A TCP port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const sqliteUrl = (name: string) => `sqlite:///${databaseFileFor('sqlite', name)}`

describe('dorm health (child process)', () => {
  it('prints the ok report of the fixture project’s SQLite database and exits 0', async () => {
    const run = await dorm(['health'], { env: { CLIFIX_DATABASE_URL: sqliteUrl('cli_health') } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ status: 'ok', alias: 'default', elapsed_ms: expect.any(Number) })
  })

  it('exits 1 with OperationalError in the JSON against a closed PostgreSQL port', async () => {
    const port = await closedPort()
    const run = await dorm(['health', '--deep'], {
      env: { CLIFIX_DATABASE_URL: `postgres://dorm:secret@127.0.0.1:${port}/dorm` },
    })
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ status: 'error', alias: 'default', pool: { vendor: 'postgresql' } })
    expect(report.error).toMatch(/^OperationalError: .*refused/)
  })

  it('loads a TypeScript settings file in a CommonJS package via DORM_SETTINGS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dorm-cli-cjs-'))
    try {
      await writeFile(join(dir, 'package.json'), '{ "name": "cjs-project", "private": true }\n')
      await writeFile(
        join(dir, 'settings.ts'),
        `const url: string = 'sqlite:///${join(dir, 'db.sqlite3')}'\nexport default { DATABASES: { default: url } }\n`,
      )
      const run = await dorm(['health'], { cwd: dir, env: { DORM_SETTINGS: 'settings.ts' } })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout).status).toBe('ok')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('a CommonJS project (no "type": "module")', () => {
  it('whose models.ts would get a second copy of the engine is told to become ESM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dorm-cli-cjs-models-'))
    try {
      await writeFile(join(dir, 'package.json'), '{ "name": "cjs-models", "private": true }\n')
      await writeFile(
        join(dir, 'dorm.config.ts'),
        "export default { DATABASES: { default: 'sqlite://' }, INSTALLED_APPS: ['.'] }\n",
      )
      await writeFile(
        join(dir, 'models.ts'),
        `import { CharField, defineModel } from '${ENGINE}'\n` +
          "export const Crate = defineModel('clifixcjs.Crate', { fields: { name: new CharField({ maxLength: 9 }) } })\n",
      )
      const run = await dorm(['health'], { cwd: dir })
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/^error loading INSTALLED_APPS: .*defines Crate with another copy of @dorm\/engine/)
      expect(run.stderr).toContain('"type": "module"')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('dorm shell --command (child process)', () => {
  const url = sqliteUrl('cli_shell')

  beforeAll(async () => {
    configure({ DATABASES: { default: url } })
    await createTables([Author, Book], 'default')
    const author = await Author.objects.create({ name: 'Ann' })
    await Book.objects.create({ title: 'One', pages: 10, author })
    await Book.objects.create({ title: 'Two', pages: 20, author })
    await closeAll()
  })

  afterAll(async () => {
    await closeAll()
    resetSettings()
  })

  it('counts the fixture app’s books', async () => {
    const run = await dorm(['shell', '--command', 'await Book.objects.count()'], { env: { CLIFIX_DATABASE_URL: url } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('2\n')
  })

  it('has the models, Q and the aggregates in scope', async () => {
    const code =
      "(await Book.objects.filter(Q({ title: 'One' }).or(Q({ pages: 20 }))).aggregate({ total: Sum('pages') })).total"
    const run = await dorm(['shell', '-c', code], { env: { CLIFIX_DATABASE_URL: url } })
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('30\n')
  })
})

describe('dorm usage errors (child process)', () => {
  it('an unknown command exits 2 with a message on stderr', async () => {
    const run = await dorm(['nope'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("error: unknown command 'nope'")
    expect(run.stdout).toBe('')
  })

  it('a missing --settings file exits 2 naming it', async () => {
    const run = await dorm(['--settings=missing.ts', 'health'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^error loading settings: settings file .*missing\.ts \(from --settings\) does not exist/,
    )
  })

  it('--version prints the engine version', async () => {
    const run = await dorm(['--version'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/)
  })
})
