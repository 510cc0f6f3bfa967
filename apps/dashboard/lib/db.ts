/**
 * The dashboard's store: configures dorm (PostgreSQL when `DASHBOARD_DATABASE_URL` is set, else a
 * SQLite file under `DASHBOARD_DATA_DIR`) and applies the dashboard's migrations once per process.
 * Every route handler and data function awaits {@link ensureDatabase} first.
 *
 * @example
 * ```ts
 * import { ensureDatabase } from './db'
 * export async function GET() {
 *   await ensureDatabase()
 *   return Response.json(await Environment.objects.all().values('name'))
 * }
 * ```
 */
import { closeAll, configure, getConnection, getLogger } from '@dorm/engine'
import { MigrationExecutor, withMigrationLock } from '@dorm/engine/migrations'
import { dashboardMigrations } from './db-migrations'
import { dashboardSettings } from './db-settings'

/** How long a starting process waits for another one applying the migrations (PostgreSQL). */
const MIGRATION_LOCK_WAIT_MS = 60_000

const logger = getLogger('dorm.dashboard.db')

let ready: Promise<void> | undefined
/** The environment the store was configured from (tests switch databases by changing it). */
let configuredFrom: string | undefined

function environmentKey(): string {
  return `${process.env.DASHBOARD_DATABASE_URL ?? ''}\u0000${process.env.DASHBOARD_DATA_DIR ?? ''}`
}

/**
 * Configures dorm for the dashboard and applies pending migrations; idempotent and cheap after the
 * first call of a process. A failure is not cached: the next call tries again.
 *
 * @example
 * ```ts
 * await ensureDatabase()
 * ```
 */
export function ensureDatabase(): Promise<void> {
  const key = environmentKey()
  if (ready !== undefined && configuredFrom === key) return ready
  const previous = ready
  configuredFrom = key
  const attempt = (async () => {
    if (previous !== undefined) {
      await previous.catch(() => undefined)
      await closeAll()
    }
    configure(dashboardSettings(process.env))
    await applyMigrations()
  })()
  ready = attempt
  attempt.catch((err: unknown) => {
    logger.error('The dashboard store could not be prepared.', { error: String(err) })
    if (ready === attempt) {
      ready = undefined
      configuredFrom = undefined
    }
  })
  return attempt
}

/**
 * Applies the dashboard's pending migrations on the default alias, under the migrate lock on
 * PostgreSQL (several server processes may start at once). Returns the migrations applied.
 *
 * @example
 * ```ts
 * const applied = await applyMigrations() // ['dashboard.0001_initial'] on a fresh database
 * ```
 */
export async function applyMigrations(): Promise<string[]> {
  const connection = getConnection()
  return withMigrationLock(connection, MIGRATION_LOCK_WAIT_MS, async () => {
    const executor = new MigrationExecutor(connection, dashboardMigrations())
    const plan = await executor.plan()
    if (plan.length === 0) return []
    await executor.run(plan)
    const applied = plan.map((step) => `${step.migration.app}.${step.migration.name}`)
    logger.info(`Applied ${applied.join(', ')}.`)
    return applied
  })
}

/**
 * Closes the store's connections and forgets the configuration, so the next
 * {@link ensureDatabase} configures again (tests, the operator CLI at exit).
 *
 * @example
 * ```ts
 * afterAll(closeDatabase)
 * ```
 */
export async function closeDatabase(): Promise<void> {
  const pending = ready
  ready = undefined
  configuredFrom = undefined
  await pending?.catch(() => undefined)
  await closeAll()
}
