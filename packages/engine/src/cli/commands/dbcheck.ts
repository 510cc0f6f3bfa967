/**
 * `dorm dbcheck [apps...]`: the CI gate for a forgotten migration. Per app it checks the models
 * against the migrations (a model change with no migration) and the migrations against the
 * database (migrations not applied), and exits 1 with the fix when either drifts.
 */
import { detectChanges } from '../../migrations/autodetector.js'
import { MigrationExecutor } from '../../migrations/migration-executor.js'
import { allModels } from '../../models/registry.js'
import { type CommandSpec, EXIT } from '../command.js'
import { loadedApps } from '../load-apps.js'
import { installedMigrations, migrationConnection } from '../migration-context.js'

/**
 * Prints `App '<app>':` with `  ✓ ...` / `  ✗ ...` lines per app, then the verdict.
 *
 * @example
 * ```ts
 * // $ dorm dbcheck            (in CI, after the tests)
 * ```
 */
export const dbcheckCommand: CommandSpec = {
  name: 'dbcheck',
  summary: 'models vs migrations vs database; exit 1 on drift',
  arguments: [{ name: '[apps...]', description: 'only these apps' }],
  options: [{ flags: '--database <alias>', description: 'database alias' }],
  needsSettings: true,
  async run({ io, options, args }) {
    const wanted = (args[0] as string[] | undefined) ?? []
    const apps = loadedApps()
      .map((a) => a.label)
      .filter((label) => wanted.length === 0 || wanted.includes(label))
    const migrations = await installedMigrations(wanted)
    const executor = new MigrationExecutor(migrationConnection(io, options.database as string | undefined), migrations)
    const changes = detectChanges(executor.finalState(), allModels(), { apps })
    const applied = await executor.applied()
    let drift = false
    for (const app of apps) {
      io.stdout(`App '${app}':\n`)
      const pending = changes.get(app) ?? []
      if (pending.length === 0) io.stdout('  ✓ every model change has a migration\n')
      else {
        drift = true
        io.stdout(`  ✗ ${pending.length} model change(s) without a migration:\n`)
        for (const op of pending) io.stdout(`      - ${op.describe()}\n`)
      }
      const unapplied = migrations.filter((m) => m.app === app && !applied.has(`${m.app}.${m.name}`))
      if (unapplied.length === 0) io.stdout('  ✓ every migration is applied\n')
      else {
        drift = true
        io.stdout(`  ✗ ${unapplied.length} migration(s) not applied: ${unapplied.map((m) => m.name).join(', ')}\n`)
      }
    }
    io.stdout(
      drift
        ? "\nDrift detected. Run 'dorm makemigrations' / 'dorm migrate' to reconcile.\n"
        : '\nAll checked models match the migrations and the database.\n',
    )
    return drift ? EXIT.findings : EXIT.ok
  },
}
