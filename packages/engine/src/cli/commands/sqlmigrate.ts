/** `dorm sqlmigrate app name [--backwards]`: the SQL of one migration, without running it. */
import { MigrationExecutor } from '../../migrations/migration-executor.js'
import { type CommandSpec, EXIT } from '../command.js'
import { installedMigrations, migrationConnection } from '../migration-context.js'

/**
 * Prints the statements one migration runs (or undoes with `--backwards`), each ending in `;`.
 *
 * @example
 * ```ts
 * // $ dorm sqlmigrate shop 0002
 * ```
 */
export const sqlmigrateCommand: CommandSpec = {
  name: 'sqlmigrate',
  summary: 'print the SQL of one migration',
  arguments: [
    { name: '<app>', description: 'app label' },
    { name: '<name>', description: 'migration name or number' },
  ],
  options: [
    { flags: '--backwards', description: 'the SQL that unapplies it' },
    { flags: '--database <alias>', description: 'database alias (its dialect is used)' },
  ],
  needsSettings: true,
  async run({ io, options, args }) {
    const app = args[0] as string
    const name = args[1] as string
    const executor = new MigrationExecutor(
      migrationConnection(io, options.database as string | undefined),
      await installedMigrations([app]),
    )
    const padded = /^\d+$/.test(name) ? name.padStart(4, '0') : name
    const migration = [...executor.graph.nodes.values()].find(
      (m) => m.app === app && (m.name === padded || m.name.startsWith(`${padded}_`)),
    )
    if (migration === undefined) {
      io.stderr(`Migration '${name}' not found for app '${app}'.\n`)
      return EXIT.findings
    }
    const result = await executor.run([{ migration, backwards: options.backwards === true }], { dryRun: true })
    for (const sql of result.statements.get(`${app}.${migration.name}`) ?? [])
      io.stdout(sql.startsWith('--') ? `${sql}\n` : `${sql};\n`)
    return EXIT.ok
  },
}
