/**
 * dorm settings for the dashboard's own store, read by the `dorm` CLI run from apps/dashboard
 * (`npx dorm makemigrations`, `npx dorm migrate`, `npx dorm showmigrations`). The running app
 * configures the same settings itself in `lib/db.ts`.
 *
 * @example
 * ```ts
 * // $ cd apps/dashboard && DASHBOARD_DATABASE_URL=postgres://dash@db/dashboard npx dorm migrate
 * ```
 */
import { dashboardSettings } from './lib/db-settings'

export default dashboardSettings(process.env)
