/**
 * The dashboard's migrations as modules, so the running app applies them without loading
 * TypeScript files from disk at run time (the Next.js server bundles these imports). The files
 * themselves are written by `npx dorm makemigrations` in `lib/migrations/`; add each new one here
 * (a test compares this list with the folder).
 *
 * @example
 * ```ts
 * const executor = new MigrationExecutor(getConnection(), dashboardMigrations())
 * await executor.run(await executor.plan())
 * ```
 */
import { join } from 'node:path'
import type { Migration, MigrationDefinition } from '@dorm/engine/migrations'
import initial from './migrations/0001_initial'
import retentionIndexes from './migrations/0002_retention_indexes'

/** The app label of the dashboard's models. */
export const DASHBOARD_APP_LABEL = 'dashboard'

/** Every migration file of `lib/migrations/`, by name, in order. */
export const DASHBOARD_MIGRATION_MODULES: ReadonlyArray<readonly [name: string, definition: MigrationDefinition]> = [
  ['0001_initial', initial],
  ['0002_retention_indexes', retentionIndexes],
]

/**
 * The migrations ready for `MigrationExecutor` (`file` is the source path, for messages only).
 *
 * @example
 * ```ts
 * dashboardMigrations().map((m) => m.name) // ['0001_initial']
 * ```
 */
export function dashboardMigrations(): Migration[] {
  return DASHBOARD_MIGRATION_MODULES.map(([name, definition]) => ({
    ...definition,
    app: DASHBOARD_APP_LABEL,
    name,
    file: join('lib', 'migrations', `${name}.ts`),
  }))
}
