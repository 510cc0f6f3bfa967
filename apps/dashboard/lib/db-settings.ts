/**
 * The dashboard's dorm settings, shared by the running app (`ensureDatabase()`) and the `dorm` CLI
 * (`apps/dashboard/dorm.config.ts`): PostgreSQL when `DASHBOARD_DATABASE_URL` is set, else a SQLite
 * file at `${DASHBOARD_DATA_DIR ?? '.dashboard-data'}/dashboard.sqlite3` (relative to the working
 * directory).
 *
 * @example
 * ```ts
 * import { configure } from '@dorm/engine'
 * configure(dashboardSettings(process.env))
 * ```
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DormSettings } from '@dorm/engine'

/** The app folder of the dashboard's models (`lib/models.ts`) and migrations (`lib/migrations/`). */
export const DASHBOARD_APP_DIR = 'lib'

/** The environment variables the store reads. */
export interface DashboardDatabaseEnv {
  DASHBOARD_DATABASE_URL?: string | undefined
  DASHBOARD_DATA_DIR?: string | undefined
  [name: string]: string | undefined
}

/**
 * The database URL the dashboard stores into: `DASHBOARD_DATABASE_URL`, else the SQLite file under
 * `DASHBOARD_DATA_DIR` (default `.dashboard-data`), whose folder is created when missing.
 *
 * @example
 * ```ts
 * dashboardDatabaseUrl({ DASHBOARD_DATA_DIR: '/var/lib/dorm-dashboard' })
 * // 'sqlite:////var/lib/dorm-dashboard/dashboard.sqlite3'
 * ```
 */
export function dashboardDatabaseUrl(env: DashboardDatabaseEnv = process.env): string {
  const url = env.DASHBOARD_DATABASE_URL?.trim()
  if (url) return url
  const dir = resolve(env.DASHBOARD_DATA_DIR?.trim() || '.dashboard-data')
  mkdirSync(dir, { recursive: true })
  return `sqlite:///${join(dir, 'dashboard.sqlite3')}`
}

/**
 * The settings object given to `configure()` (and exported by `dorm.config.ts`).
 *
 * @example
 * ```ts
 * const settings = dashboardSettings({ DASHBOARD_DATABASE_URL: 'postgres://dash@db/dashboard' })
 * settings.INSTALLED_APPS // ['lib']
 * ```
 */
export function dashboardSettings(env: DashboardDatabaseEnv = process.env): DormSettings {
  return {
    DATABASES: { default: dashboardDatabaseUrl(env) },
    INSTALLED_APPS: [DASHBOARD_APP_DIR],
    // the dashboard's own statements are not the fleet's slow queries: only log the truly slow ones
    SLOW_QUERY_MS: 2000,
  }
}
