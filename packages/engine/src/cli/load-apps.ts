/**
 * Imports each INSTALLED_APPS entry's `models.ts` so its models register, and tells the commands
 * where each app's models and migrations live.
 *
 * @example
 * ```ts
 * const apps = await loadApps('/app', ['src/library'])
 * // [{ label: 'library', dir: '/app/src/library', modelsPath: '/app/src/library/models.ts',
 * //    migrationsDir: '/app/src/library/migrations', models: [Author, Book] }]
 * ```
 */
import { existsSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { describeError, ImproperlyConfigured } from '../errors.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { ModelMeta } from '../models/model-meta.js'
import { allModels } from '../models/registry.js'
import { importModule } from './load-settings.js'

/**
 * The models file names looked for in an app folder, first found wins.
 *
 * @example
 * ```ts
 * MODELS_FILE_NAMES[0] // 'models.ts'
 * ```
 */
export const MODELS_FILE_NAMES = ['models.ts', 'models.mts', 'models.js', 'models.mjs'] as const

/** One installed app. */
export interface AppInfo {
  /** The app label of its models (`library` in `'library.Book'`); the folder name when it has none. */
  readonly label: string
  /** Absolute path of the app folder. */
  readonly dir: string
  /** Absolute path of the models file that was imported. */
  readonly modelsPath: string
  /** Absolute path of `<dir>/migrations` (it may not exist yet). */
  readonly migrationsDir: string
  /** The concrete models the models file defined or exported, in definition order. */
  readonly models: readonly ModelClassLike[]
}

let loaded: readonly AppInfo[] | undefined

/**
 * Imports every app's models file (TypeScript too, no build step), in INSTALLED_APPS order.
 * Entries are folders relative to `settingsDir`. A missing folder or models file, a models file
 * that throws, or two apps with one label give an `ImproperlyConfigured` naming the app and path.
 *
 * @example
 * ```ts
 * const loaded = await loadSettings({ cwd: io.cwd, env: io.env })
 * const apps = await loadApps(dirname(loaded.path), loaded.settings.INSTALLED_APPS ?? [])
 * ```
 */
export async function loadApps(settingsDir: string, installedApps: readonly string[]): Promise<AppInfo[]> {
  const apps: AppInfo[] = []
  for (const entry of installedApps) {
    const dir = resolve(settingsDir, entry)
    if (!isDirectory(dir)) {
      throw new ImproperlyConfigured(
        `INSTALLED_APPS entry '${entry}': folder ${dir} does not exist. ` +
          `Entries are folders relative to the settings file's directory (${settingsDir}); fix or remove it.`,
      )
    }
    const modelsPath = MODELS_FILE_NAMES.map((name) => join(dir, name)).find(isFile)
    if (modelsPath === undefined) {
      throw new ImproperlyConfigured(
        `INSTALLED_APPS entry '${entry}': no models file in ${dir} (looked for ${MODELS_FILE_NAMES.join(', ')}). ` +
          'Create models.ts there defining the app’s models with defineModel().',
      )
    }
    const before = new Set(allModels())
    let module: Record<string, unknown>
    try {
      module = await importModule(modelsPath)
    } catch (err) {
      throw new ImproperlyConfigured(
        `INSTALLED_APPS entry '${entry}': ${modelsPath} failed to load: ${describeError(err)}. Fix the error in that file.`,
        { cause: err },
      )
    }
    const exported = exportsOf(module)
    const foreign = exported.find(([, value]) => isForeignModel(value))
    if (foreign !== undefined) {
      throw new ImproperlyConfigured(
        `INSTALLED_APPS entry '${entry}': ${modelsPath} defines ${foreign[0]} with another copy of @dorm/engine ` +
          'than the one running this command, so dorm cannot see its models. Make the project ESM ' +
          '("type": "module" in package.json, or name the file models.mts), and run the project’s own dorm (npx dorm).',
      )
    }
    // new registrations catch models that are defined but not exported; the exports catch a
    // module that was already imported earlier in this process (nothing registers twice)
    const models = new Set(allModels().filter((model) => !before.has(model)))
    for (const [, value] of exported) if (isConcreteModel(value)) models.add(value)
    // a model re-exported from another app stays that app's
    const claimed = new Set(apps.flatMap((app) => app.models))
    const ordered = allModels().filter((model) => models.has(model) && !claimed.has(model))
    const label = appLabel(basename(dir), ordered)
    const clash = apps.find((app) => app.label === label)
    if (clash !== undefined) {
      throw new ImproperlyConfigured(
        `INSTALLED_APPS entries '${entry}' and ${clash.dir} both have the app label '${label}'. ` +
          'Give one of them models with another app label, or remove the duplicate entry.',
      )
    }
    apps.push({ label, dir, modelsPath, migrationsDir: join(dir, 'migrations'), models: ordered })
  }
  loaded = apps
  return apps
}

/**
 * The apps the last {@link loadApps} call loaded (the CLI calls it before every command that
 * needs settings), so commands can find each app's `migrationsDir`.
 *
 * @example
 * ```ts
 * for (const app of loadedApps()) console.log(app.label, app.migrationsDir)
 * ```
 */
export function loadedApps(): readonly AppInfo[] {
  if (loaded === undefined) {
    throw new ImproperlyConfigured(
      'INSTALLED_APPS have not been loaded yet: give the command needsSettings: true, or call loadApps() first.',
    )
  }
  return loaded
}

/**
 * The folder name, unless the models all use another label (`'shop.Order'` in `src/orders`):
 * then the label most of them use, which is what migrations and routers see.
 */
function appLabel(folderName: string, models: readonly ModelClassLike[]): string {
  const counts = new Map<string, number>()
  for (const model of models) counts.set(model.meta.appLabel, (counts.get(model.meta.appLabel) ?? 0) + 1)
  if (counts.size === 0 || counts.has(folderName)) return folderName
  let best = folderName
  let bestCount = 0
  for (const [label, count] of counts) {
    if (count > bestCount) {
      best = label
      bestCount = count
    }
  }
  return best
}

function isConcreteModel(value: unknown): value is ModelClassLike {
  if (typeof value !== 'function') return false
  const meta = (value as { meta?: unknown }).meta
  return meta instanceof ModelMeta && !meta.abstract
}

/** The module's exports; a CommonJS module's named exports sit on its `default` (module.exports). */
function exportsOf(module: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(module)
  const cjs = module.default
  if (cjs !== null && typeof cjs === 'object' && (cjs as { __esModule?: unknown }).__esModule === true) {
    entries.push(...Object.entries(cjs))
  }
  return entries
}

/**
 * A model class from a second instance of the engine: a CommonJS-scoped models.ts gets the engine
 * transpiled to CommonJS by tsx, or the project has its own install beside a global `dorm`.
 */
function isForeignModel(value: unknown): boolean {
  if (typeof value !== 'function') return false
  const meta = (value as { meta?: unknown }).meta
  if (meta === null || typeof meta !== 'object' || meta instanceof ModelMeta) return false
  const { label, appLabel } = meta as { label?: unknown; appLabel?: unknown }
  return typeof label === 'string' && typeof appLabel === 'string'
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile()
}
