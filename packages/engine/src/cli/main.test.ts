import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetSettings } from '../conf/settings.js'
import { getConnection, peekConnection } from '../db/connection-registry.js'
import { ImproperlyConfigured, OperationalError } from '../errors.js'
import type { CliIo, CommandContext, CommandSpec } from './command.js'
import { main } from './main.js'
import { COMMANDS } from './registry.js'

interface Captured {
  io: CliIo
  out: () => string
  err: () => string
}

function capture(cwd: string, env: Record<string, string | undefined> = {}): Captured {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: (text) => {
        out += text
      },
      stderr: (text) => {
        err += text
      },
      cwd,
      env,
    },
    out: () => out,
    err: () => err,
  }
}

let dir: string
let seen: CommandContext[]

/** A command with every kind of argument and option, recording what it was given. */
const probe: CommandSpec = {
  name: 'probe',
  summary: 'records its arguments',
  help: 'Probe examples:\n  dorm probe app1 --format json',
  arguments: [
    { name: '<app>', description: 'required app' },
    { name: '[names...]', description: 'more names' },
  ],
  options: [
    { flags: '--format <format>', description: 'output format', defaultValue: 'text', choices: ['text', 'json'] },
    { flags: '--dry-run', description: 'write nothing' },
    { flags: '--rule <code...>', description: 'only these rules' },
  ],
  needsSettings: false,
  async run(context) {
    seen.push(context)
    return 0
  },
}

function throwing(error: unknown, needsSettings = false): CommandSpec {
  return {
    name: 'boom',
    summary: 'throws',
    options: [],
    needsSettings,
    async run() {
      throw error
    },
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dorm-cli-main-'))
  seen = []
})

afterEach(async () => {
  resetSettings()
  await rm(dir, { recursive: true, force: true })
})

describe('usage errors print a clear message to stderr and return 2', () => {
  it('an unknown command', async () => {
    const c = capture(dir)
    expect(await main(['frobnicate'], c.io)).toBe(2)
    expect(c.err()).toContain("error: unknown command 'frobnicate'")
    expect(c.err()).toContain('--help')
    expect(c.out()).toBe('')
  })

  it('a near-miss command gets a suggestion', async () => {
    const c = capture(dir)
    expect(await main(['helth'], c.io)).toBe(2)
    expect(c.err()).toMatch(/Did you mean health\?/)
  })

  it('an unknown option', async () => {
    const c = capture(dir)
    expect(await main(['health', '--bogus'], c.io)).toBe(2)
    expect(c.err()).toContain("error: unknown option '--bogus'")
  })

  it('a missing argument', async () => {
    const c = capture(dir)
    expect(await main(['probe'], c.io, [probe])).toBe(2)
    expect(c.err()).toContain("error: missing required argument 'app'")
    expect(seen).toEqual([])
  })

  it('a value outside the choices', async () => {
    const c = capture(dir)
    expect(await main(['probe', 'a', '--format', 'xml'], c.io, [probe])).toBe(2)
    expect(c.err()).toMatch(/argument 'xml' is invalid\. Allowed choices are text, json\./)
  })

  it('an option missing its value', async () => {
    const c = capture(dir)
    expect(await main(['health', '--alias'], c.io)).toBe(2)
    expect(c.err()).toContain("error: option '--alias <alias>' argument missing")
  })

  it('too many arguments', async () => {
    const c = capture(dir)
    expect(await main(['health', 'extra'], c.io)).toBe(2)
    expect(c.err()).toMatch(/too many arguments for 'health'/)
  })

  it('no command at all shows the help on stderr', async () => {
    const c = capture(dir)
    expect(await main([], c.io)).toBe(2)
    expect(c.err()).toContain('Usage: dorm')
    expect(c.err()).toContain('health')
  })
})

describe('help and version', () => {
  it('dorm --help lists every command with its summary, in registry order, and exits 0', async () => {
    const c = capture(dir)
    expect(await main(['--help'], c.io)).toBe(0)
    const out = c.out()
    expect(out).toContain('Usage: dorm [--settings <path>] <command> [options]')
    expect(out).toContain('--settings <path>')
    let last = -1
    for (const command of COMMANDS) {
      const at = out.indexOf(`  ${command.name} `)
      expect(at, command.name).toBeGreaterThan(last)
      expect(out).toContain(command.summary)
      last = at
    }
    expect(c.err()).toBe('')
  })

  it('dorm <command> --help shows its options, the global ones and its help text', async () => {
    const c = capture(dir)
    expect(await main(['health', '--help'], c.io)).toBe(0)
    expect(c.out()).toContain('Usage: dorm health [options]')
    expect(c.out()).toContain('--alias <alias>')
    expect(c.out()).toContain('--deep')
    expect(c.out()).toContain('Global Options:')
    expect(c.out()).toContain('dorm health --alias replica --deep')
  })

  it('help shows arguments, defaults and choices', async () => {
    const c = capture(dir)
    expect(await main(['help', 'probe'], c.io, [probe])).toBe(0)
    expect(c.out()).toContain('Usage: dorm probe [options] <app> [names...]')
    expect(c.out()).toMatch(/--format <format>\s+output format \(choices: "text", "json", default: "text"\)/)
    expect(c.out()).toContain('Probe examples:')
  })

  it('--version prints the engine version', async () => {
    const c = capture(dir)
    expect(await main(['--version'], c.io)).toBe(0)
    expect(c.out()).toMatch(/^\d+\.\d+\.\d+\S*\n$/)
  })
})

describe('running a command', () => {
  it('passes camelCased options, defaults and positional arguments in order', async () => {
    const c = capture(dir)
    expect(await main(['probe', 'lib', 'x', 'y', '--dry-run', '--rule', 'M001', 'M002'], c.io, [probe])).toBe(0)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.args).toEqual(['lib', ['x', 'y']])
    expect(seen[0]?.options).toEqual({ format: 'text', dryRun: true, rule: ['M001', 'M002'] })
    expect(seen[0]?.io).toBe(c.io)
  })

  it('returns the command’s own exit code', async () => {
    const three: CommandSpec = {
      ...probe,
      arguments: [],
      async run() {
        return 3
      },
    }
    expect(await main(['probe'], capture(dir).io, [three])).toBe(3)
  })

  it('does not load settings for a command that does not need them', async () => {
    // no dorm.config.ts in dir: loading would fail
    expect(await main(['probe', 'a'], capture(dir).io, [probe])).toBe(0)
  })

  it('settings that fail to load give exit 2 and "error loading settings: ..."', async () => {
    const c = capture(dir)
    expect(await main(['health'], c.io)).toBe(2)
    expect(c.err()).toMatch(/^error loading settings: no settings file: none of dorm\.config\.ts/)
  })

  it('--settings is accepted before and after the command name', async () => {
    await writeFile(join(dir, 'alt.ts'), "export default { DATABASES: { default: 'sqlite://' } }\n")
    for (const argv of [
      ['--settings', 'alt.ts', 'health'],
      ['health', '--settings=alt.ts'],
    ]) {
      const c = capture(dir)
      expect(await main(argv, c.io), argv.join(' ')).toBe(0)
      expect(JSON.parse(c.out())).toMatchObject({ status: 'ok', alias: 'default' })
    }
  })

  it('INSTALLED_APPS that fail to load give exit 2', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), "export default { INSTALLED_APPS: ['src/clifixmissing'] }\n")
    const c = capture(dir)
    expect(await main(['health'], c.io)).toBe(2)
    expect(c.err()).toMatch(/^error loading INSTALLED_APPS: INSTALLED_APPS entry 'src\/clifixmissing'/)
  })

  it('a thrown ImproperlyConfigured prints "<Class>: <message>" and returns 2', async () => {
    const c = capture(dir)
    expect(await main(['boom'], c.io, [throwing(new ImproperlyConfigured('set FOO'))])).toBe(2)
    expect(c.err()).toBe('ImproperlyConfigured: set FOO\n')
  })

  it('any other dorm error prints "<Class>: <message>" and returns 1', async () => {
    const c = capture(dir)
    expect(await main(['boom'], c.io, [throwing(new OperationalError('connection refused'))])).toBe(1)
    expect(c.err()).toBe('OperationalError: connection refused\n')
  })

  it('an unexpected error (a bug) prints its stack and returns 1', async () => {
    const c = capture(dir)
    expect(await main(['boom'], c.io, [throwing(new TypeError('x is undefined'))])).toBe(1)
    expect(c.err()).toMatch(/^TypeError: x is undefined\n\s+at /)
  })

  it('closes every pool before returning', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), "export default { DATABASES: { default: 'sqlite://' } }\n")
    const opens: CommandSpec = {
      ...throwing(new OperationalError('after opening'), true),
      async run() {
        await getConnection().execute('SELECT 1')
        expect(peekConnection('default')).toBeDefined()
        throw new OperationalError('after opening')
      },
    }
    expect(await main(['boom'], capture(dir).io, [opens])).toBe(1)
    expect(peekConnection('default')).toBeUndefined()
  })
})
