/**
 * What the migration commands share: the installed apps' migrations (TypeScript loaded with no
 * build step), the alias migrations run on (MIGRATION_DATABASE_URL when set), the pooler guard and
 * the lock timeout.
 */
import { configure, getDatabaseSettings, getSettings } from '../conf/settings.js'
import type { DatabaseConnection } from '../db/connection.js'
import { getConnection } from '../db/connection-registry.js'
import { poolerReason } from '../doctor/pooler-detection.js'
import { MigrationError } from '../errors.js'
import { inProcessImporter } from '../migrations/in-process-importer.js'
import type { Migration } from '../migrations/migration.js'
import { loadMigrations } from '../migrations/migration-loader.js'
import type { CliIo } from './command.js'
import { loadedApps } from './load-apps.js'
import { importModule } from './load-settings.js'

/** The alias added for MIGRATION_DATABASE_URL. */
export const MIGRATION_ALIAS = 'migrations'

/** Every migration of the installed apps (only `apps` when given). */
export async function installedMigrations(apps?: readonly string[]): Promise<Migration[]> {
  const installed = loadedApps().map((a) => ({ label: a.label, migrationsDir: a.migrationsDir }))
  if (apps !== undefined && apps.length > 0) {
    for (const app of apps) {
      if (!installed.some((a) => a.label === app)) {
        throw new MigrationError(
          `No installed app '${app}'. Installed apps: ${installed.map((a) => a.label).join(', ') || '(none)'}.`,
        )
      }
    }
  }
  // every app's migrations load: dependencies cross apps
  return loadMigrations(installed, inProcessImporter(importModule))
}

/**
 * The connection migrations run on: `--database`, else MIGRATION_DATABASE_URL (env or setting) as
 * its own alias, else 'default'. Refuses a transaction-mode pooler, where session-level advisory
 * locks and DDL transactions are not safe.
 */
export function migrationConnection(io: CliIo, alias?: string): DatabaseConnection {
  let chosen = alias
  if (chosen === undefined) {
    const url = (getSettings().MIGRATION_DATABASE_URL as string | undefined) ?? io.env.MIGRATION_DATABASE_URL
    if (url) {
      configure({ DATABASES: { ...(getSettings().DATABASES ?? {}), [MIGRATION_ALIAS]: url } })
      chosen = MIGRATION_ALIAS
    } else chosen = 'default'
  }
  const reason = poolerReason(getDatabaseSettings(chosen))
  if (reason !== undefined) {
    throw new MigrationError(
      `Refusing to migrate alias '${chosen}' through a transaction-mode pooler (${reason}): the migrate lock and ` +
        'transactional DDL need a direct session. Set MIGRATION_DATABASE_URL to a direct connection URL ' +
        '(the server itself, usually port 5432) and run again.',
    )
  }
  return getConnection(chosen)
}

/** MIGRATION_LOCK_TIMEOUT (seconds; setting > DORM_MIGRATION_LOCK_TIMEOUT > 60) in milliseconds. */
export function lockTimeoutMs(io: CliIo): number {
  const fromSettings = getSettings().MIGRATION_LOCK_TIMEOUT
  const raw = fromSettings ?? io.env.DORM_MIGRATION_LOCK_TIMEOUT
  const seconds = Number(raw)
  return (raw === undefined || raw === null || !Number.isFinite(seconds) || seconds < 0 ? 60 : seconds) * 1000
}
