/**
 * `dorm migrate [app] [target] [--dry-run] [--fake] [--database A] [--lock-timeout MS]
 * [--format text|json]`: applies migrations, or rolls an app back to a target or `zero`, under the
 * PostgreSQL migrate lock, each migration under a `lock_timeout`.
 */

import { DormError, MigrationError } from '../../errors.js'
import { MigrationExecutor, type PlanStep } from '../../migrations/migration-executor.js'
import { MigrationLockTimeout, withMigrationLock } from '../../migrations/migration-lock.js'
import { MigrationLockNotAvailable } from '../../migrations/statement-lock-timeout.js'
import { type CliIo, type CommandSpec, EXIT } from '../command.js'
import { installedMigrations, lockTimeoutMs, migrationConnection } from '../migration-context.js'

function label(step: PlanStep): string {
  return `${step.migration.app}.${step.migration.name}`
}

/** What `dorm migrate --format json` prints (snake_case keys; `app.name` labels). */
export interface MigrateReport {
  /** Migrations this run applied (or recorded, with --fake), in order. */
  applied: string[]
  /** Migrations this run rolled back, in order. */
  unapplied: string[]
  /** Planned migrations not done: all of them with --dry-run, the failed one and the rest after an error. */
  pending: string[]
  /** Why the run stopped, or null. `migration` is the one that failed, when one did. */
  error: { code: string; migration: string | null; message: string } | null
  /** With --dry-run: each planned migration and the statements it would run (read by the GitHub Action). */
  plan?: Array<{ app: string; name: string; sql: string[] }>
}

/** `--lock-timeout` as milliseconds (0 = none), or undefined when absent; throws on a bad value. */
function lockTimeoutOption(raw: unknown): number | undefined {
  if (raw === undefined) return undefined
  const text = String(raw).trim()
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new MigrationError(
      `--lock-timeout must be a whole number of milliseconds >= 0, got '${text}'. ` +
        'Use e.g. --lock-timeout 5000, or --lock-timeout 0 to wait for table locks without limit.',
    )
  }
  return Number(text)
}

function exitFor(err: unknown): number {
  if (err instanceof MigrationLockTimeout || err instanceof MigrationLockNotAvailable) return EXIT.lockTimeout
  return err instanceof MigrationError ? EXIT.usage : EXIT.findings
}

function printDryRun(
  io: CliIo,
  plan: readonly PlanStep[],
  statements: ReadonlyMap<string, readonly string[]>,
  target?: string,
) {
  const apps = [...new Set(plan.map((s) => s.migration.app))]
  for (const planApp of apps) {
    const backwards = plan.some((s) => s.backwards)
    io.stdout(
      backwards
        ? `--- Rollback SQL that would run for '${planApp}' (target=${target}) ---\n`
        : `--- SQL that would run for '${planApp}' ---\n`,
    )
    for (const step of plan.filter((s) => s.migration.app === planApp)) {
      for (const sql of statements.get(label(step)) ?? []) io.stdout(sql.startsWith('--') ? `${sql}\n` : `${sql};\n`)
    }
  }
}

/**
 * Applies (or with a target, rolls back) migrations.
 *
 * @example
 * ```ts
 * // $ dorm migrate --dry-run        review the SQL of every pending migration
 * // $ dorm migrate shop 0001        roll shop back to 0001
 * // $ dorm migrate --lock-timeout 2000 --format json
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
    'Each migration runs with lock_timeout = MIGRATION_TABLE_LOCK_TIMEOUT_MS (default 10000 ms; 0 or null',
    'disables; --lock-timeout overrides it): a statement that cannot get its table lock in time stops',
    'the run with exit 3 instead of blocking every query on that table while it waits.',
    '',
    'Examples:',
    '  dorm migrate',
    '  dorm migrate --dry-run',
    '  dorm migrate shop 0002',
    '  dorm migrate shop zero',
    '  dorm migrate --lock-timeout 2000 --format json',
  ].join('\n'),
  arguments: [
    { name: '[app]', description: 'only this app' },
    { name: '[target]', description: 'migration name, number prefix, or zero' },
  ],
  options: [
    { flags: '--dry-run', description: 'print the SQL that would run; change nothing' },
    { flags: '--fake', description: 'record the migrations as applied (or unapplied) without running them' },
    { flags: '--database <alias>', description: 'database alias (default: MIGRATION_DATABASE_URL, else default)' },
    {
      flags: '--lock-timeout <ms>',
      description:
        'PostgreSQL lock_timeout per migration in ms (default MIGRATION_TABLE_LOCK_TIMEOUT_MS, 10000; 0 = none)',
    },
    {
      flags: '--format <format>',
      description: 'output: text, or json ({ applied, unapplied, pending, error })',
      defaultValue: 'text',
      choices: ['text', 'json'],
    },
  ],
  needsSettings: true,
  async run({ io, options, args }) {
    const app = args[0] as string | undefined
    const target = args[1] as string | undefined
    const dryRun = options.dryRun === true
    const json = options.format === 'json'
    const report: MigrateReport = { applied: [], unapplied: [], pending: [], error: null }
    if (dryRun) report.plan = [] // dry-run plan with its SQL, for `migrate --dry-run --format json`
    let current: string | null = null
    const finish = (code: number): number => {
      if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
      return code
    }
    const fail = (err: unknown, code: number, where: 'stdout' | 'stderr' = 'stderr'): number => {
      const message = err instanceof Error ? err.message : String(err)
      report.error = { code: err instanceof DormError ? err.code : 'ERROR', migration: current, message }
      if (json) io.stderr(`${message}\n`)
      else if (where === 'stdout') io.stdout(`  Error: ${message}\n`)
      else io.stderr(current === null ? `${message}\n` : `\n${message}\n`)
      return finish(code)
    }
    let connection: ReturnType<typeof migrationConnection>
    let migrations: Awaited<ReturnType<typeof installedMigrations>>
    let lockTimeout: number | undefined
    try {
      lockTimeout = lockTimeoutOption(options.lockTimeout)
      connection = migrationConnection(io, options.database as string | undefined)
      migrations = await installedMigrations(app === undefined ? undefined : [app])
    } catch (err) {
      return fail(err, EXIT.usage)
    }
    try {
      return await withMigrationLock(connection, lockTimeoutMs(io), async () => {
        const executor = new MigrationExecutor(connection, migrations)
        let plan: PlanStep[]
        try {
          plan = await executor.plan(app, target)
        } catch (err) {
          if (err instanceof MigrationError) return fail(err, EXIT.findings, 'stdout')
          throw err
        }
        report.pending = plan.map(label)
        if (plan.length === 0) {
          if (!json) {
            io.stdout(app === undefined ? '  No migrations to apply.\n' : `  No migrations to apply for '${app}'.\n`)
          }
          return finish(EXIT.ok)
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
          ...(lockTimeout === undefined ? {} : { lockTimeoutMs: lockTimeout }),
          onStep(step, phase) {
            if (phase === 'start') current = label(step)
            else if (!dryRun) {
              current = null
              if (phase === 'done') (step.backwards ? report.unapplied : report.applied).push(label(step))
              report.pending = report.pending.filter((name) => name !== label(step))
            }
            if (json) return
            if (dryRun) {
              if (phase === 'start') io.stdout(`${verb(step)} ${label(step)}\n`)
            } else if (phase === 'start') io.stdout(`${verb(step)} ${label(step)}...`)
            else if (phase === 'skipped') {
              io.stdout(` skipped: another dorm migrate ${step.backwards ? 'unapplied' : 'applied'} it meanwhile\n`)
            } else io.stdout(' OK\n')
          },
        })
        if (dryRun && !json) printDryRun(io, plan, result.statements, target)
        // dry-run plan with its SQL, for `migrate --dry-run --format json` (the GitHub Action's summary)
        if (dryRun) {
          report.plan = plan.map((step) => ({
            app: step.migration.app,
            name: step.migration.name,
            sql: [...(result.statements.get(label(step)) ?? [])],
          }))
        }
        return finish(EXIT.ok)
      })
    } catch (err) {
      // plain errors (a bug in a RunCode, a failed statement) still reach the CLI's handler in text mode
      if (!json && !(err instanceof MigrationError)) throw err
      return fail(err, exitFor(err))
    }
  },
}
