/**
 * `dorm migrate [app] [target] [--dry-run] [--fake] [--database A]`: applies migrations, or rolls
 * an app back to a target or `zero`, under the PostgreSQL migrate lock.
 */

import { MigrationError } from '../../errors.js'
import { MigrationExecutor, type PlanStep } from '../../migrations/migration-executor.js'
import { MigrationLockTimeout, withMigrationLock } from '../../migrations/migration-lock.js'
import { type CommandSpec, EXIT } from '../command.js'
import { installedMigrations, lockTimeoutMs, migrationConnection } from '../migration-context.js'

function label(step: PlanStep): string {
  return `${step.migration.app}.${step.migration.name}`
}

/**
 * Applies (or with a target, rolls back) migrations.
 *
 * @example
 * ```ts
 * // $ dorm migrate --dry-run        review the SQL of every pending migration
 * // $ dorm migrate shop 0001        roll shop back to 0001
 * ```
 */
export const migrateCommand: CommandSpec = {
  name: 'migrate',
  summary: 'apply migrations, or roll an app back (target or zero)',
  help: [
    'Applies every pending migration (of [app] when given), each file in one transaction with its',
    'record in dorm_migrations. With a target (a migration name, its number, or "zero") it rolls the',
    'app back. On PostgreSQL, concurrent runs wait for each other on an advisory lock, at most',
    'MIGRATION_LOCK_TIMEOUT seconds (exit 3 on timeout, naming the session that holds it).',
    '',
    'Examples:',
    '  dorm migrate',
    '  dorm migrate --dry-run',
    '  dorm migrate shop 0002',
    '  dorm migrate shop zero',
  ].join('\n'),
  arguments: [
    { name: '[app]', description: 'only this app' },
    { name: '[target]', description: 'migration name, number prefix, or zero' },
  ],
  options: [
    { flags: '--dry-run', description: 'print the SQL that would run; change nothing' },
    { flags: '--fake', description: 'record the migrations as applied (or unapplied) without running them' },
    { flags: '--database <alias>', description: 'database alias (default: MIGRATION_DATABASE_URL, else default)' },
  ],
  needsSettings: true,
  async run({ io, options, args }) {
    const app = args[0] as string | undefined
    const target = args[1] as string | undefined
    const dryRun = options.dryRun === true
    let connection: ReturnType<typeof migrationConnection>
    let migrations: Awaited<ReturnType<typeof installedMigrations>>
    try {
      connection = migrationConnection(io, options.database as string | undefined)
      migrations = await installedMigrations(app === undefined ? undefined : [app])
    } catch (err) {
      io.stderr(`${err instanceof Error ? err.message : String(err)}\n`)
      return EXIT.usage
    }
    try {
      return await withMigrationLock(connection, lockTimeoutMs(io), async () => {
        const executor = new MigrationExecutor(connection, migrations)
        let plan: PlanStep[]
        try {
          plan = await executor.plan(app, target)
        } catch (err) {
          if (err instanceof MigrationError) {
            io.stdout(`  Error: ${err.message}\n`)
            return EXIT.findings
          }
          throw err
        }
        if (plan.length === 0) {
          io.stdout(app === undefined ? '  No migrations to apply.\n' : `  No migrations to apply for '${app}'.\n`)
          return EXIT.ok
        }
        const verb = (step: PlanStep) =>
          dryRun
            ? step.backwards
              ? 'Would unapply'
              : 'Would apply'
            : options.fake
              ? 'Faking'
              : step.backwards
                ? '  Unapplying'
                : '  Applying'
        const result = await executor.run(plan, {
          dryRun,
          fake: options.fake === true,
          onStep(step, phase) {
            if (dryRun) {
              if (phase === 'start') io.stdout(`${verb(step)} ${label(step)}\n`)
            } else if (phase === 'start') io.stdout(`${verb(step)} ${label(step)}...`)
            else io.stdout(' OK\n')
          },
        })
        if (dryRun) {
          const apps = [...new Set(plan.map((s) => s.migration.app))]
          for (const planApp of apps) {
            const backwards = plan.some((s) => s.backwards)
            io.stdout(
              backwards
                ? `--- Rollback SQL that would run for '${planApp}' (target=${target}) ---\n`
                : `--- SQL that would run for '${planApp}' ---\n`,
            )
            for (const step of plan.filter((s) => s.migration.app === planApp)) {
              for (const sql of result.statements.get(label(step)) ?? [])
                io.stdout(sql.startsWith('--') ? `${sql}\n` : `${sql};\n`)
            }
          }
        }
        return EXIT.ok
      })
    } catch (err) {
      if (err instanceof MigrationLockTimeout) {
        io.stderr(`${err.message}\n`)
        return EXIT.lockTimeout
      }
      if (err instanceof MigrationError) {
        io.stderr(`\n${err.message}\n`)
        return EXIT.usage
      }
      throw err
    }
  },
}
