/**
 * The `dorm` subcommands, in the order `dorm --help` lists them (the order of the CLI table in the
 * API contract).
 */
import type { CommandSpec } from './command.js'
import { dbcheckCommand } from './commands/dbcheck.js'
import { diffCommand } from './commands/diff.js'
import { doctorCommand } from './commands/doctor.js'
import { healthCommand } from './commands/health.js'
import { lintMigrationsCommand } from './commands/lint-migrations.js'
import { makemigrationsCommand } from './commands/makemigrations.js'
import { migrateCommand } from './commands/migrate.js'
import { shellCommand } from './commands/shell.js'
import { showmigrationsCommand } from './commands/showmigrations.js'
import { sqlmigrateCommand } from './commands/sqlmigrate.js'

/**
 * Every subcommand `dorm` knows. A new command lives in `commands/<name>.ts` and is added here.
 *
 * @example
 * ```ts
 * for (const command of COMMANDS) console.log(command.name, command.summary)
 * ```
 */
export const COMMANDS: readonly CommandSpec[] = [
  makemigrationsCommand,
  migrateCommand,
  showmigrationsCommand,
  sqlmigrateCommand,
  lintMigrationsCommand,
  dbcheckCommand,
  diffCommand,
  doctorCommand,
  shellCommand,
  healthCommand,
]
