/**
 * DORM-D019: migrations would run through a transaction pooler. `dorm migrate` serialises on a
 * session advisory lock and runs DDL that needs one real session, neither of which a transaction
 * pooler keeps. The migration connection is MIGRATION_DATABASE_URL (setting, then environment
 * variable) or, when that is unset, DATABASES.default.
 */
import { resolveDatabaseSettings } from '../conf/database-settings.js'
import { type DoctorContext, type DoctorFinding, warning } from './doctor-check.js'
import { poolerReason } from './pooler-detection.js'

const FIX = 'Point MIGRATION_DATABASE_URL at a direct connection to the server (not the pooler).'

/**
 * A warning when the migration connection is a pooler (or MIGRATION_DATABASE_URL cannot be parsed).
 *
 * @example
 * ```ts
 * configure({ DATABASES: { default: 'postgres://app@ep-x-pooler.neon.tech/app' } })
 * checkMigrationUrl(doctorContext()) // [{ code: 'DORM-D019', ... }]
 * ```
 */
export function checkMigrationUrl(context: DoctorContext): DoctorFinding[] {
  const fromSettings = context.settings.MIGRATION_DATABASE_URL
  const url =
    typeof fromSettings === 'string' && fromSettings !== '' ? fromSettings : context.env.MIGRATION_DATABASE_URL
  if (url === undefined || url === '') {
    const db = context.databases.get('default')
    const reason = db === undefined ? undefined : poolerReason(db)
    if (reason === undefined) return []
    return [
      warning(
        'DORM-D019',
        `MIGRATION_DATABASE_URL is unset, so migrations run through DATABASES['default'], which goes through a ` +
          `connection pooler (${reason}); its advisory lock and DDL need a session of their own. ${FIX}`,
        { alias: 'default' },
      ),
    ]
  }
  let reason: string | undefined
  try {
    reason = poolerReason(resolveDatabaseSettings('migration', url))
  } catch (err) {
    return [warning('DORM-D019', `MIGRATION_DATABASE_URL cannot be used: ${(err as Error).message}`)]
  }
  if (reason === undefined) return []
  return [
    warning(
      'DORM-D019',
      `MIGRATION_DATABASE_URL goes through a connection pooler (${reason}); the migration advisory lock and DDL ` +
        `need a session of their own. ${FIX}`,
    ),
  ]
}
