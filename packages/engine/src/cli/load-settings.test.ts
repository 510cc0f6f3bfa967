import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getSettings, resetSettings } from '../conf/settings.js'
import { addLogSink, type LogRecord, resetLogging, setLogLevel } from '../db/logging.js'
import { ImproperlyConfigured } from '../errors.js'
import { loadSettings, resolveSettingsPath } from './load-settings.js'

let dir: string
let records: LogRecord[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dorm-cli-settings-'))
  records = []
  setLogLevel('dorm.conf', 'DEBUG')
  addLogSink((record) => records.push(record))
})

afterEach(async () => {
  resetSettings()
  resetLogging()
  await rm(dir, { recursive: true, force: true })
})

/** A settings file whose MARKER says which file was loaded; TypeScript syntax on purpose. */
async function settingsFile(name: string, marker: string): Promise<string> {
  const path = join(dir, name)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(
    path,
    `const marker: string = '${marker}'\nexport default { DATABASES: { default: 'sqlite://' }, MARKER: marker }\n`,
  )
  return path
}

async function expectImproperly(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(err).toBeInstanceOf(ImproperlyConfigured)
  for (const pattern of patterns) expect((err as Error).message).toMatch(pattern)
}

describe('settings file resolution: --settings > DORM_SETTINGS > dorm.config.* in the cwd', () => {
  it('--settings wins over DORM_SETTINGS and an autodiscovered file', async () => {
    await settingsFile('dorm.config.ts', 'auto')
    await settingsFile('conf/env.ts', 'env')
    const explicit = await settingsFile('conf/explicit.ts', 'explicit')
    const loaded = await loadSettings({
      cwd: dir,
      env: { DORM_SETTINGS: 'conf/env.ts' },
      explicitPath: 'conf/explicit.ts',
    })
    expect(loaded).toMatchObject({ path: explicit, autodiscovered: false, source: 'option' })
    expect(loaded.settings.MARKER).toBe('explicit')
    expect(getSettings().MARKER).toBe('explicit')
  })

  it('DORM_SETTINGS wins over an autodiscovered file', async () => {
    await settingsFile('dorm.config.ts', 'auto')
    const env = await settingsFile('conf/env.ts', 'env')
    const loaded = await loadSettings({ cwd: dir, env: { DORM_SETTINGS: env } })
    expect(loaded).toMatchObject({ path: env, autodiscovered: false, source: 'env' })
    expect(getSettings().MARKER).toBe('env')
  })

  it('an empty --settings or DORM_SETTINGS counts as not given', async () => {
    const auto = await settingsFile('dorm.config.ts', 'auto')
    expect(resolveSettingsPath({ cwd: dir, env: { DORM_SETTINGS: '' }, explicitPath: '' })).toEqual({
      path: auto,
      source: 'autodiscovered',
    })
  })

  it('autodiscovery takes dorm.config.ts, .mts, .js, .mjs in that order', async () => {
    await settingsFile('dorm.config.mjs', 'mjs')
    expect(resolveSettingsPath({ cwd: dir, env: {} }).path).toBe(join(dir, 'dorm.config.mjs'))
    await settingsFile('dorm.config.js', 'js')
    expect(resolveSettingsPath({ cwd: dir, env: {} }).path).toBe(join(dir, 'dorm.config.js'))
    await settingsFile('dorm.config.mts', 'mts')
    expect(resolveSettingsPath({ cwd: dir, env: {} }).path).toBe(join(dir, 'dorm.config.mts'))
    await settingsFile('dorm.config.ts', 'ts')
    const loaded = await loadSettings({ cwd: dir, env: {} })
    expect(loaded).toMatchObject({ path: join(dir, 'dorm.config.ts'), autodiscovered: true, source: 'autodiscovered' })
    expect(getSettings().MARKER).toBe('ts')
  })

  it('logs INFO on dorm.conf only when the file was autodiscovered, DEBUG otherwise', async () => {
    await settingsFile('dorm.config.ts', 'auto')
    await loadSettings({ cwd: dir, env: {} })
    expect(records).toContainEqual(
      expect.objectContaining({
        logger: 'dorm.conf',
        level: 'INFO',
        message: 'loaded settings from dorm.config.ts (autodiscovered)',
      }),
    )
    records.length = 0
    await loadSettings({ cwd: dir, env: {}, explicitPath: 'dorm.config.ts' })
    const mine = records.filter((r) => r.message.startsWith('loaded settings'))
    expect(mine).toEqual([
      expect.objectContaining({ level: 'DEBUG', message: 'loaded settings from dorm.config.ts (--settings)' }),
    ])
  })

  it('a `settings` named export works as well as the default export', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), "export const settings = { DATABASES: { default: 'sqlite://' } }\n")
    const loaded = await loadSettings({ cwd: dir, env: {} })
    expect(Object.keys(loaded.settings.DATABASES ?? {})).toEqual(['default'])
  })
})

describe('settings file errors are ImproperlyConfigured naming the path and the fix', () => {
  it('a missing --settings file', async () => {
    await expectImproperly(
      loadSettings({ cwd: dir, env: {}, explicitPath: 'missing.ts' }),
      new RegExp(`${join(dir, 'missing.ts')}.*--settings`),
      /does not exist/,
    )
  })

  it('a missing DORM_SETTINGS file', async () => {
    await expectImproperly(loadSettings({ cwd: dir, env: { DORM_SETTINGS: 'gone.ts' } }), /gone\.ts/, /DORM_SETTINGS/)
  })

  it('no settings file at all', async () => {
    await expectImproperly(
      loadSettings({ cwd: dir, env: {} }),
      /dorm\.config\.ts/,
      /--settings/,
      /DORM_SETTINGS/,
      new RegExp(dir),
    )
  })

  it('a settings module that throws', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), "throw new Error('boom in settings')\nexport default {}\n")
    const err = await loadSettings({ cwd: dir, env: {} }).catch((error: unknown) => error)
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    expect((err as Error).message).toMatch(/dorm\.config\.ts failed to load: Error: boom in settings/)
    expect((err as Error).cause).toBeInstanceOf(Error)
  })

  it('a module that exports no settings object', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), 'export const other = 1\n')
    await expectImproperly(
      loadSettings({ cwd: dir, env: {} }),
      /dorm\.config\.ts exports no settings/,
      /export default/,
    )
  })

  it('settings that configure() rejects name the file too', async () => {
    await writeFile(join(dir, 'dorm.config.ts'), 'export default { RETRY_ATTEMPTS: 0 }\n')
    await expectImproperly(loadSettings({ cwd: dir, env: {} }), /^dorm\.config\.ts: RETRY_ATTEMPTS/)
  })
})
