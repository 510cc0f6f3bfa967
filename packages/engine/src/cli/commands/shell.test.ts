import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetSettings } from '../../conf/settings.js'
import { getConnection } from '../../db/connection-registry.js'
import { CharField } from '../../models/fields/index.js'
import { defineModel } from '../../models/model.js'
import { Q } from '../../query/expressions.js'
import type { CliIo } from '../command.js'
import { main } from '../main.js'
import { evaluate, shellScope } from './shell.js'

const ENGINE = fileURLToPath(new URL('../../index.ts', import.meta.url))

describe('shellScope', () => {
  it('holds the helpers and every model by class name; shared class names get <app>_<Name>', () => {
    const Solo = defineModel('clifixshella.Solo', { fields: { name: new CharField({ maxLength: 10 }) } })
    const TwinA = defineModel('clifixshella.Twin', { fields: { name: new CharField({ maxLength: 10 }) } })
    const TwinB = defineModel('clifixshellb.Twin', { fields: { name: new CharField({ maxLength: 10 }) } })
    const scope = shellScope()
    expect(scope.Solo).toBe(Solo)
    expect(scope.Twin).toBeUndefined()
    expect(scope.clifixshella_Twin).toBe(TwinA)
    expect(scope.clifixshellb_Twin).toBe(TwinB)
    expect(scope.Q).toBe(Q)
    expect(scope.getConnection).toBe(getConnection)
    for (const name of ['F', 'atomic', 'Count', 'Sum', 'Avg', 'Min', 'Max'])
      expect(scope[name], name).toBeTypeOf('function')
  })
})

describe('evaluate', () => {
  it('awaits one expression with the scope bound', async () => {
    expect(await evaluate('await Promise.resolve(a + 1)', { a: 41 })).toBe(42)
    expect(await evaluate('a * 2 // trailing comment', { a: 2 })).toBe(4)
  })

  it('runs statements as a function body when the code is not one expression', async () => {
    expect(await evaluate('const b = a + 1; return b', { a: 1 })).toBe(2)
  })

  it('lets the code’s errors through', async () => {
    await expect(evaluate('await Promise.reject(new RangeError("no"))', {})).rejects.toThrow(RangeError)
  })
})

describe('dorm shell --command', () => {
  let dir: string
  let out: string
  let err: string
  let io: CliIo

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dorm-cli-shell-'))
    out = ''
    err = ''
    io = {
      stdout: (text) => {
        out += text
      },
      stderr: (text) => {
        err += text
      },
      cwd: dir,
      env: {},
    }
    await mkdir(join(dir, 'clifixshell'))
    await writeFile(
      join(dir, 'clifixshell', 'models.ts'),
      `import { CharField, defineModel } from '${ENGINE}'\n` +
        "export const Gadget = defineModel('clifixshell.Gadget', { fields: { name: new CharField({ maxLength: 20 }) } })\n",
    )
    const db = join(dir, 'shell.sqlite3')
    await writeFile(
      join(dir, 'dorm.config.ts'),
      `export default { DATABASES: { default: 'sqlite:///${db}' }, INSTALLED_APPS: ['clifixshell'] }\n`,
    )
  })

  afterEach(async () => {
    resetSettings()
    await rm(dir, { recursive: true, force: true })
  })

  it('evaluates with the settings and the app’s models loaded, and prints the result', async () => {
    const code =
      "await getConnection().execute('CREATE TABLE clifixshell_gadget (id INTEGER PRIMARY KEY, name TEXT NOT NULL)'); " +
      "await Gadget.objects.create({ name: 'a' }); return Gadget.objects.count()"
    expect(await main(['shell', '--command', code], io)).toBe(0)
    expect(out).toBe('1\n')
    out = ''
    expect(await main(['shell', '-c', 'Gadget.objects.values("name")'], io)).toBe(0)
    expect(out).toBe("[ { name: 'a' } ]\n")
    out = ''
    expect(await main(['shell', '-c', '"as is"'], io)).toBe(0)
    expect(out).toBe('as is\n')
  })

  it('an error in the code prints "<Class>: <message>" and exits 1', async () => {
    expect(await main(['shell', '-c', 'await Gadget.objects.get({ name: "zzz" })'], io)).toBe(1)
    expect(err).toMatch(/^ProgrammingError: .*no such table/)
  })
})
