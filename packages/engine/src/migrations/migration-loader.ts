/**
 * Finds and loads migration files (`<app>/migrations/NNNN_name.ts`), each with a default export
 * made by `migration({...})`. Loading goes through an importer so the CLI can load TypeScript with
 * no build step (tsx) while tests use their runner's own loader.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describeError, MigrationError } from '../errors.js'
import { isPreparing } from './in-process-importer.js'
import type { Migration, MigrationDefinition } from './migration.js'

/** Migration file names: four digits, an underscore, a name; TS or JS. */
export const MIGRATION_FILE = /^(\d{4}_[A-Za-z0-9_]+)\.(ts|mts|js|mjs)$/

/** Loads a module by absolute path. */
export type ModuleImporter = (absolutePath: string) => Promise<Record<string, unknown>>

/** The default importer: the runtime's own `import()` (fine under tsx, vitest, or for .js files). */
export const nativeImporter: ModuleImporter = (path) =>
  import(pathToFileURL(path).href) as Promise<Record<string, unknown>>

/** An app whose migrations are loaded. */
export interface MigrationApp {
  readonly label: string
  readonly migrationsDir: string
}

function isDefinition(value: unknown): value is MigrationDefinition {
  return typeof value === 'object' && value !== null && Array.isArray((value as MigrationDefinition).operations)
}

/**
 * Loads every migration of `apps`, sorted by app and name.
 *
 * @example
 * ```ts
 * const migrations = await loadMigrations([{ label: 'library', migrationsDir: 'src/library/migrations' }])
 * ```
 */
export async function loadMigrations(
  apps: readonly MigrationApp[],
  importer: ModuleImporter = nativeImporter,
): Promise<Migration[]> {
  const out: Migration[] = []
  for (const app of apps) {
    if (!existsSync(app.migrationsDir)) continue
    const files = readdirSync(app.migrationsDir)
      .filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
      .sort()
    if (isPreparing(importer)) await importer.prepare(files.map((file) => join(app.migrationsDir, file)))
    const seen = new Map<string, string>()
    for (const file of files) {
      const name = (MIGRATION_FILE.exec(file) as RegExpExecArray)[1] as string
      const path = join(app.migrationsDir, file)
      const clash = seen.get(name)
      if (clash !== undefined) {
        throw new MigrationError(
          `${path}: migration ${app.label}.${name} also exists as ${clash}. Keep one of the two files.`,
        )
      }
      seen.set(name, path)
      let module: Record<string, unknown>
      try {
        module = await importer(path)
      } catch (err) {
        throw new MigrationError(
          `${path}: the migration failed to load: ${describeError(err)}. Fix the file and run again.`,
          {
            cause: err,
          },
        )
      }
      const definition = module.default
      if (!isDefinition(definition)) {
        throw new MigrationError(
          `${path}: has no default export made by migration({...}). Add: export default migration({ operations: [...] })`,
        )
      }
      out.push({ ...definition, app: app.label, name, file: path })
    }
  }
  return out
}
