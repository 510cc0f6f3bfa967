/**
 * Boot-time database checks: the server does not migrate by itself (docs/migrations.md: migrate
 * is a deploy step, `npx dorm migrate`, run once before the new code rolls out). It refuses to
 * start while migrations are pending, unless `SHOP_MIGRATE_ON_START=1`, which applies them under
 * the migrate lock (several instances may start at once).
 *
 * @example
 * ```ts
 * configure(shopSettings(process.env))
 * await ensureMigrated({ migrateOnStart: process.env.SHOP_MIGRATE_ON_START === '1' })
 * ```
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getConnection, getLogger } from '@dorm/engine'
import { loadMigrations, MigrationExecutor, withMigrationLock } from '@dorm/engine/migrations'
import { PRIMARY } from './settings.js'

const logger = getLogger('shop.db')
const MIGRATION_LOCK_WAIT_MS = 60_000

/** The shop's folder (where models.ts and migrations/ live). */
export const SHOP_DIR = dirname(fileURLToPath(import.meta.url))

/** Raised when the database is behind the code: the message says what to run. */
export class PendingMigrations extends Error {
  constructor(readonly pending: string[]) {
    super(
      `${pending.length} migration(s) not applied: ${pending.join(', ')}. ` +
        'Run `cd examples/shop && npx dorm migrate` (with the same DATABASE_URL / SHOP_DATA_DIR), ' +
        'or set SHOP_MIGRATE_ON_START=1 to let this process apply them.',
    )
    this.name = 'PendingMigrations'
  }
}

async function executor(): Promise<MigrationExecutor> {
  const migrations = await loadMigrations([{ label: 'shop', migrationsDir: join(SHOP_DIR, 'migrations') }])
  return new MigrationExecutor(getConnection(PRIMARY), migrations)
}

/**
 * The names of the migrations not applied yet on the primary.
 *
 * @example
 * ```ts
 * await pendingMigrations() // ['shop.0001_initial', ...] on an empty database
 * ```
 */
export async function pendingMigrations(): Promise<string[]> {
  const plan = await (await executor()).plan()
  return plan.map((step) => `${step.migration.app}.${step.migration.name}`)
}

/**
 * Throws {@link PendingMigrations} when the database is behind, or applies the migrations when
 * `migrateOnStart` is set. Returns what it applied.
 *
 * @example
 * ```ts
 * await ensureMigrated({ migrateOnStart: false })
 * ```
 */
export async function ensureMigrated({ migrateOnStart }: { migrateOnStart: boolean }): Promise<string[]> {
  const pending = await pendingMigrations()
  if (pending.length === 0) return []
  if (!migrateOnStart) throw new PendingMigrations(pending)
  const connection = getConnection(PRIMARY)
  return withMigrationLock(connection, MIGRATION_LOCK_WAIT_MS, async () => {
    const run = await executor()
    const plan = await run.plan()
    await run.run(plan)
    const applied = plan.map((step) => `${step.migration.app}.${step.migration.name}`)
    if (applied.length > 0) logger.info(`applied ${applied.join(', ')}`)
    return applied
  })
}
