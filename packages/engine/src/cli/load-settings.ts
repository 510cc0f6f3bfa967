/**
 * Finds the CLI's settings file (`--settings` > `DORM_SETTINGS` > `dorm.config.{ts,mts,js,mjs}` in
 * the working directory), loads it with no build step and passes its export to `configure()`.
 *
 * @example
 * ```ts
 * const { path, autodiscovered, settings } = await loadSettings({ cwd: process.cwd(), env: process.env })
 * ```
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { configure, type DormSettings } from '../conf/settings.js'
import { getLogger } from '../db/logging.js'
import { describeError, ImproperlyConfigured } from '../errors.js'

const logger = getLogger('dorm.conf')

/**
 * The file names autodiscovery looks for in the working directory, first found wins.
 *
 * @example
 * ```ts
 * SETTINGS_FILE_NAMES[0] // 'dorm.config.ts'
 * ```
 */
export const SETTINGS_FILE_NAMES = ['dorm.config.ts', 'dorm.config.mts', 'dorm.config.js', 'dorm.config.mjs'] as const

/** Where the settings path came from. */
export type SettingsSource = 'option' | 'env' | 'autodiscovered'

/** What {@link loadSettings} needs to know. */
export interface LoadSettingsOptions {
  /** Directory relative paths resolve against and autodiscovery looks in. */
  readonly cwd: string
  /** Read for `DORM_SETTINGS`. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** The `--settings` value, if given. */
  readonly explicitPath?: string | undefined
}

/** The settings file that was loaded and what it exported. */
export interface LoadedSettings {
  /** Absolute path of the settings file. */
  readonly path: string
  /** True when no `--settings` / `DORM_SETTINGS` named it and it was found in the working directory. */
  readonly autodiscovered: boolean
  readonly source: SettingsSource
  /** The object passed to `configure()`. */
  readonly settings: DormSettings
}

/**
 * Which settings file the CLI would load, without loading it.
 *
 * @example
 * ```ts
 * resolveSettingsPath({ cwd: '/app', env: { DORM_SETTINGS: 'conf/prod.ts' } })
 * // { path: '/app/conf/prod.ts', source: 'env' }
 * ```
 */
export function resolveSettingsPath(options: LoadSettingsOptions): { path: string; source: SettingsSource } {
  const { cwd, env, explicitPath } = options
  const named: [string | undefined, SettingsSource, string][] = [
    [explicitPath, 'option', '--settings'],
    [env.DORM_SETTINGS, 'env', 'DORM_SETTINGS'],
  ]
  for (const [value, source, where] of named) {
    if (value === undefined || value === '') continue
    const path = resolve(cwd, value)
    if (!isFile(path)) {
      throw new ImproperlyConfigured(
        `settings file ${path} (from ${where}) does not exist. ` +
          `Fix the path given to ${where}; relative paths resolve against ${cwd}.`,
      )
    }
    return { path, source }
  }
  for (const name of SETTINGS_FILE_NAMES) {
    const path = resolve(cwd, name)
    if (isFile(path)) return { path, source: 'autodiscovered' }
  }
  throw new ImproperlyConfigured(
    `no settings file: none of ${SETTINGS_FILE_NAMES.join(', ')} is in ${cwd}. ` +
      'Create dorm.config.ts there (export default { DATABASES: { default: ... } }), ' +
      'pass --settings=path/to/settings.ts, or set DORM_SETTINGS.',
  )
}

/**
 * Resolves the settings file, imports it (TypeScript too) and calls `configure()` with its
 * default export, or its `settings` export. Any failure is an `ImproperlyConfigured` naming the
 * file and the fix. Logs INFO on `dorm.conf` when the file was autodiscovered, DEBUG otherwise.
 *
 * @example
 * ```ts
 * const loaded = await loadSettings({ cwd: io.cwd, env: io.env, explicitPath: options.settings })
 * const apps = await loadApps(dirname(loaded.path), loaded.settings.INSTALLED_APPS ?? [])
 * ```
 */
export async function loadSettings(options: LoadSettingsOptions): Promise<LoadedSettings> {
  const { path, source } = resolveSettingsPath(options)
  const shown = displayPath(options.cwd, path)
  let module: Record<string, unknown>
  try {
    module = await importModule(path)
  } catch (err) {
    throw new ImproperlyConfigured(
      `settings file ${shown} failed to load: ${describeError(err)}. Fix the error in that file.`,
      { cause: err },
    )
  }
  const settings = settingsExport(module)
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new ImproperlyConfigured(
      `settings file ${shown} exports no settings object. ` +
        'Add `export default { DATABASES: { default: ... } }` (or `export const settings = { ... }`).',
    )
  }
  try {
    configure(settings as DormSettings)
  } catch (err) {
    if (err instanceof ImproperlyConfigured) {
      throw new ImproperlyConfigured(`${shown}: ${err.message}`, { cause: err })
    }
    throw err
  }
  const autodiscovered = source === 'autodiscovered'
  if (autodiscovered) logger.info(`loaded settings from ${shown} (autodiscovered)`, { path })
  else logger.debug(`loaded settings from ${shown} (${source === 'option' ? '--settings' : 'DORM_SETTINGS'})`, { path })
  return { path, autodiscovered, source, settings: settings as DormSettings }
}

function settingsExport(module: Record<string, unknown>): unknown {
  let exported = module.default ?? module.settings
  // a .ts file in a CommonJS package loads as CJS: the ESM wrapper's default is module.exports
  if (isRecord(exported) && exported.__esModule === true) exported = exported.default ?? exported.settings
  return exported
}

let typeScriptLoader: Promise<void> | undefined

/**
 * Imports a file by absolute path, TypeScript included, with no build step. tsx's hooks are
 * registered once, globally: its `tsImport()` namespaces every module it loads, `@dorm/engine`
 * too, so models would register in a second copy of the engine that the CLI never sees.
 *
 * @example
 * ```ts
 * const models = await importModule('/app/src/library/models.ts')
 * ```
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  typeScriptLoader ??= registerTypeScriptLoader()
  await typeScriptLoader
  return (await import(/* @vite-ignore */ pathToFileURL(path).href)) as Record<string, unknown>
}

async function registerTypeScriptLoader(): Promise<void> {
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')])
  // both: a .ts file inside a package without "type": "module" is loaded as CommonJS
  cjs.register()
  esm.register()
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile()
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object'
}

/**
 * A path as the user would type it from `cwd`: relative below it, absolute elsewhere.
 *
 * @example
 * ```ts
 * displayPath('/app', '/app/conf/prod.ts') // 'conf/prod.ts'
 * ```
 */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel === '' || isAbsolute(rel) ? path : rel
}
