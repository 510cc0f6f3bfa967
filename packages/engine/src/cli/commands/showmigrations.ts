/** `dorm showmigrations [apps...]`: every migration and whether it is applied. */
import { MigrationExecutor } from '../../migrations/migration-executor.js'
import { type CommandSpec, EXIT } from '../command.js'
import { installedMigrations, migrationConnection } from '../migration-context.js'

/**
 * Prints `app` then `  [X] name` / `  [ ] name` per migration, in dependency order.
 *
 * @example
 * ```ts
 * // $ dorm showmigrations shop
 * ```
 */
export const showmigrationsCommand: CommandSpec = {
  name: 'showmigrations',
  summary: 'list migrations and whether each is applied',
  arguments: [{ name: '[apps...]', description: 'only these apps' }],
  options: [{ flags: '--database <alias>', description: 'database alias' }],
  needsSettings: true,
  async run({ io, options, args }) {
    const apps = (args[0] as string[] | undefined) ?? []
    const migrations = await installedMigrations(apps)
    const executor = new MigrationExecutor(migrationConnection(io, options.database as string | undefined), migrations)
    const applied = await executor.applied()
    const ordered = executor.graph.all()
    const labels = [...new Set(ordered.map((m) => m.app))].filter((a) => apps.length === 0 || apps.includes(a)).sort()
    for (const app of labels) {
      io.stdout(`${app}\n`)
      for (const m of ordered.filter((x) => x.app === app)) {
        io.stdout(`  [${applied.has(`${m.app}.${m.name}`) ? 'X' : ' '}] ${m.name}\n`)
      }
    }
    if (labels.length === 0) io.stdout('(no migrations)\n')
    return EXIT.ok
  },
}
