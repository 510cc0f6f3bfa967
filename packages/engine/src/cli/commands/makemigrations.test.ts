import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetSettings } from '../../conf/settings.js'
import { IntegerField } from '../../models/fields/integer-field.js'
import { defineModel } from '../../models/model.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import { clearRegistry } from '../../models/registry.js'
import type { CliIo } from '../command.js'
import { main } from '../main.js'
import { createMakemigrationsCommand, type MakemigrationsApp, parseRenames } from './makemigrations.js'

// the temp project and the migrations it gets import the engine by absolute path: our modules
const ENGINE = fileURLToPath(new URL('../../index.ts', import.meta.url))
const importFrom = { engine: ENGINE, migrations: fileURLToPath(new URL('../../migrations/index.ts', import.meta.url)) }
const NOW = new Date('2024-03-05T07:08:00Z')

let dir: string
let out = ''
let err = ''
const io: CliIo = {
  stdout: (text) => {
    out += text
  },
  stderr: (text) => {
    err += text
  },
  get cwd() {
    return dir
  },
  env: {},
}

async function dorm(args: string[], apps?: () => readonly MakemigrationsApp[]): Promise<number> {
  out = ''
  err = ''
  const command = createMakemigrationsCommand({ importFrom, now: () => NOW, ...(apps ? { apps } : {}) })
  return main(['makemigrations', ...args], io, [command])
}

beforeEach(async () => {
  // each test's project defines the mmcli models anew: the last test's classes must be gone
  clearRegistry()
  dir = await mkdtemp(join(tmpdir(), 'dorm-makemigrations-cli-'))
  await writeFile(
    join(dir, 'dorm.config.ts'),
    "export default { DATABASES: { default: 'sqlite://' }, INSTALLED_APPS: ['src/mmcli'] }\n",
  )
  await mkdir(join(dir, 'src/mmcli'), { recursive: true })
  await writeFile(
    join(dir, 'src/mmcli/models.ts'),
    [
      `import { CharField, defineModel, ForeignKey } from '${ENGINE}'`,
      `export const Author = defineModel('mmcli.Author', { fields: { name: new CharField({ maxLength: 100 }) } })`,
      `export const Book = defineModel('mmcli.Book', {`,
      `  fields: { author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }) },`,
      '})',
      '',
    ].join('\n'),
  )
})

afterEach(async () => {
  resetSettings()
  await rm(dir, { recursive: true, force: true })
})

const listing = [
  "Migrations for 'mmcli':",
  '  src/mmcli/migrations/0001_initial.ts',
  '    - Create model Author',
  '    - Create model Book',
  '',
].join('\n')

describe('dorm makemigrations', () => {
  it('--check exits 1 and writes nothing while a migration is missing, 0 once it exists', async () => {
    expect(await dorm(['--check'])).toBe(1)
    expect(out).toBe(
      `${listing}makemigrations --check: 2 pending operation(s). Run \`dorm makemigrations\` and commit the result.\n`,
    )
    expect(err).toBe('')
    expect(existsSync(join(dir, 'src/mmcli/migrations'))).toBe(false)

    expect(await dorm(['--dry-run'])).toBe(0)
    expect(out).toBe(listing)
    expect(existsSync(join(dir, 'src/mmcli/migrations'))).toBe(false)

    expect(await dorm([])).toBe(0)
    expect(out).toBe(listing)
    const source = await readFile(join(dir, 'src/mmcli/migrations/0001_initial.ts'), 'utf8')
    expect(source).toContain("author: new ForeignKey('mmcli.Author', { onDelete: 'CASCADE', relatedName: 'books' }),")
    expect(source.split('\n')[0]).toBe(`import { BigAutoField, CharField, ForeignKey } from '${ENGINE}'`)

    expect(await dorm(['--check'])).toBe(0)
    expect(out).toBe('No changes detected\n')
    expect(await dorm(['mmcli'])).toBe(0)
    expect(out).toBe("No changes detected in app 'mmcli'\n")
  })

  it('--empty writes an empty migration for the named app', async () => {
    expect(await dorm([])).toBe(0)
    expect(await dorm(['mmcli', '--empty'])).toBe(0)
    expect(out).toBe("Migrations for 'mmcli':\n  src/mmcli/migrations/0002_auto_20240305_0708.ts\n")
    expect(await dorm(['mmcli', '--empty', '--name', 'backfill'])).toBe(0)
    expect(await readdir(join(dir, 'src/mmcli/migrations'))).toEqual([
      '0001_initial.ts',
      '0002_auto_20240305_0708.ts',
      '0003_backfill.ts',
    ])
    const source = await readFile(join(dir, 'src/mmcli/migrations/0003_backfill.ts'), 'utf8')
    expect(source).toContain("dependencies: [['mmcli', '0002_auto_20240305_0708']],\n  operations: [],")
    expect(await dorm(['--check'])).toBe(0)
  })

  it('answers usage mistakes with exit 2', async () => {
    expect(await dorm(['--empty'])).toBe(2)
    expect(err).toBe('You must supply at least one app label when using --empty.\n')
    expect(await dorm(['nope'])).toBe(2)
    expect(err).toBe("App 'nope' could not be found. Installed apps: mmcli. Is it in INSTALLED_APPS?\n")
    expect(await dorm(['--name', 'bad-name'])).toBe(2)
    expect(err).toMatch(/^The migration name 'bad-name' is not valid/)
    expect(await dorm(['--rename', 'mmcli.Book.title'])).toBe(2)
    expect(err).toMatch(/^--rename 'mmcli\.Book\.title' is not app\.Model\.old:new/)
    expect(await dorm(['mmcli', '--check', '--empty'])).toBe(2)
    expect(existsSync(join(dir, 'src/mmcli/migrations'))).toBe(false)
  })

  it('writes a RenameField for --rename, and a --name of its own', async () => {
    const migrationsDir = join(dir, 'elsewhere/migrations')
    let models: ModelClassLike[] = [defineModel('mmclirn.Thing', { fields: { total: new IntegerField() } })]
    const apps = () => [{ label: 'mmclirn', migrationsDir, models }]
    expect(await dorm([], apps)).toBe(0)
    models = [defineModel('mmclirn.Thing', { fields: { amount: new IntegerField() } })]
    expect(await dorm(['--dry-run'], apps)).toBe(0)
    expect(out).toContain('    - Remove field total from thing\n    - Add field amount to thing\n')
    expect(await dorm(['--rename', 'mmclirn.Thing.total:amount'], apps)).toBe(0)
    expect(out).toBe(
      "Migrations for 'mmclirn':\n  elsewhere/migrations/0002_rename_total_thing_amount.ts\n" +
        '    - Rename field total on thing to amount\n',
    )
    expect(await dorm(['--check'], apps)).toBe(0)

    models = [defineModel('mmclirn.Thing', { fields: { amount: new IntegerField({ null: true }) } })]
    expect(await dorm(['--name', 'rename_total_thing_amount'], apps)).toBe(0)
    expect(await readdir(migrationsDir)).toEqual([
      '0001_initial.ts',
      '0002_rename_total_thing_amount.ts',
      '0003_rename_total_thing_amount.ts',
    ])
  })
})

describe('parseRenames', () => {
  it('reads app.Model.old:new', () => {
    expect(parseRenames(['shop.Order.total:amount'])).toEqual([
      { app: 'shop', model: 'Order', from: 'total', to: 'amount' },
    ])
    expect(() => parseRenames(['shop'])).toThrow(/Put app labels before --rename/)
  })
})
