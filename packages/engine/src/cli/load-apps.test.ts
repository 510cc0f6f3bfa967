import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../errors.js'
import { getModel } from '../models/registry.js'
import { loadApps, loadedApps } from './load-apps.js'

// the temp apps import the engine by absolute path: the same module (and model registry) as ours
const ENGINE = fileURLToPath(new URL('../index.ts', import.meta.url))

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dorm-cli-apps-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function app(folder: string, file: string, source: string): Promise<void> {
  await mkdir(join(dir, folder), { recursive: true })
  await writeFile(join(dir, folder, file), source)
}

function models(label: string, ...names: string[]): string {
  const defs = names.map(
    (name) =>
      `export const ${name} = defineModel('${label}.${name}', { fields: { name: new CharField({ maxLength: 50 }) } })`,
  )
  return [`import { CharField, defineModel } from '${ENGINE}'`, ...defs, ''].join('\n')
}

describe('loadApps', () => {
  it('imports each app’s models.ts in order and describes the app', async () => {
    await app('src/clifixa', 'models.ts', models('clifixa', 'Shelf', 'Label'))
    await app('src/clifixb', 'models.mjs', models('clifixb', 'Crate'))
    const apps = await loadApps(dir, ['src/clifixa', './src/clifixb'])
    expect(apps).toEqual([
      {
        label: 'clifixa',
        dir: join(dir, 'src/clifixa'),
        modelsPath: join(dir, 'src/clifixa/models.ts'),
        migrationsDir: join(dir, 'src/clifixa/migrations'),
        models: [getModel('clifixa.Shelf'), getModel('clifixa.Label')],
      },
      expect.objectContaining({ label: 'clifixb', modelsPath: join(dir, 'src/clifixb/models.mjs') }),
    ])
    expect(getModel('clifixb.Crate')).toBeDefined()
    expect(loadedApps()).toBe(apps)
  })

  it('takes the label from the models when they use another one than the folder name', async () => {
    await app('src/storefront', 'models.ts', models('clifixstore', 'Order', 'Line'))
    const [info] = await loadApps(dir, ['src/storefront'])
    expect(info?.label).toBe('clifixstore')
    expect(info?.migrationsDir).toBe(join(dir, 'src/storefront/migrations'))
  })

  it('falls back to the folder name for an app without models', async () => {
    await app('clifixempty', 'models.ts', 'export {}\n')
    const [info] = await loadApps(dir, ['clifixempty'])
    expect(info).toMatchObject({ label: 'clifixempty', models: [] })
  })

  it('sees the models of a models file imported before (exports, no new registration)', async () => {
    await app('clifixtwice', 'models.ts', models('clifixtwice', 'Once'))
    await loadApps(dir, ['clifixtwice'])
    const [again] = await loadApps(dir, ['clifixtwice'])
    expect(again?.models).toEqual([getModel('clifixtwice.Once')])
  })

  it('an absolute entry works too', async () => {
    await app('clifixabs', 'models.ts', models('clifixabs', 'Thing'))
    const [info] = await loadApps('/nowhere', [join(dir, 'clifixabs')])
    expect(info?.label).toBe('clifixabs')
  })
})

describe('loadApps errors are ImproperlyConfigured naming the app and the path', () => {
  async function failure(installed: string[]): Promise<Error> {
    const err = await loadApps(dir, installed).catch((error: unknown) => error)
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    return err as Error
  }

  it('a missing folder', async () => {
    const err = await failure(['src/clifixnope'])
    expect(err.message).toContain("'src/clifixnope'")
    expect(err.message).toContain(join(dir, 'src/clifixnope'))
    expect(err.message).toMatch(/relative to the settings file's directory/)
  })

  it('a folder without a models file', async () => {
    await mkdir(join(dir, 'clifixbare'))
    const err = await failure(['clifixbare'])
    expect(err.message).toContain("'clifixbare'")
    expect(err.message).toMatch(/models\.ts, models\.mts, models\.js, models\.mjs/)
  })

  it('a models file that throws', async () => {
    await app('clifixbroken', 'models.ts', "throw new TypeError('bad model code')\n")
    const err = await failure(['clifixbroken'])
    expect(err.message).toContain(join(dir, 'clifixbroken/models.ts'))
    expect(err.message).toContain('TypeError: bad model code')
  })

  it('models defined with another copy of the engine', async () => {
    const fake =
      "export const Ghost = Object.assign(function Ghost() {}, { meta: { label: 'x.Ghost', appLabel: 'x' } })\n"
    await app('clifixforeign', 'models.ts', fake)
    const err = await failure(['clifixforeign'])
    expect(err.message).toContain("'clifixforeign'")
    expect(err.message).toMatch(/defines Ghost with another copy of @dorm\/engine/)
    expect(err.message).toMatch(/"type": "module"/)
  })

  it('two apps with one label', async () => {
    await app('one/clifixdup', 'models.ts', models('clifixdup', 'A'))
    await app('two/clifixdup', 'models.ts', models('clifixdup', 'B'))
    const err = await failure(['one/clifixdup', 'two/clifixdup'])
    expect(err.message).toMatch(/both have the app label 'clifixdup'/)
  })
})
