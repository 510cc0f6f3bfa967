/**
 * `dorm lint-migrations [apps...] [--format text|json|sarif|github] [--rule CODE...] [--exit-zero]`:
 * audits the installed apps' migrations for online-deploy footguns; a CI gate (exit 1 on findings).
 */
import { readFileSync } from 'node:fs'
import { MigrationError } from '../../errors.js'
import {
  lintMigrations,
  lintTargetFromSettings,
  listMigrationFiles,
  selectRules,
} from '../../migrations/lint/linter.js'
import { formatFindings, REPORT_FORMATS, type ReportFormat } from '../../migrations/lint/reporters/index.js'
import { RULES } from '../../migrations/lint/rules/index.js'
import { type CommandSpec, EXIT } from '../command.js'
import { loadedApps } from '../load-apps.js'
import { importModule } from '../load-settings.js'

function engineVersion(): string {
  // src/cli/commands and dist/cli/commands both sit three levels below package.json
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/**
 * Lints every migration of INSTALLED_APPS (or of `apps`): exit 1 on findings, 0 when clean or
 * with `--exit-zero`, 2 for an unknown app or rule.
 *
 * @example
 * ```ts
 * // $ dorm lint-migrations --format sarif > lint.sarif
 * // $ dorm lint-migrations shop --rule DORM-M001 --rule DORM-M003
 * ```
 */
export const lintMigrationsCommand: CommandSpec = {
  name: 'lint-migrations',
  summary: 'audit migrations for deploy footguns; exit 1 on findings',
  help: [
    'Checks every migration of the installed apps (or of [apps...]) against the DORM-M rules: table',
    'rewrites, long locks, irreversible and destructive operations, RunSQL statement by statement.',
    'The target database is the default alias (LINT_POSTGRES_VERSION, default 15, for PostgreSQL).',
    'Suppress with `// noqa: DORM-M00X`: on its own line for the file, at the end of an operation',
    'line (or the line above it) for that operation. Each code is documented in docs/rules/<code>.md.',
    '',
    'Examples:',
    '  dorm lint-migrations',
    '  dorm lint-migrations shop --format json',
    '  dorm lint-migrations --format sarif > lint.sarif',
    '  dorm lint-migrations --format github --rule DORM-M001 --rule DORM-M003',
  ].join('\n'),
  arguments: [{ name: '[apps...]', description: 'only these apps (default: every installed app)' }],
  options: [
    { flags: '--format <format>', description: 'output format', defaultValue: 'text', choices: REPORT_FORMATS },
    { flags: '--rule <code...>', description: 'only these rule codes (repeatable, case-insensitive)' },
    { flags: '--exit-zero', description: 'exit 0 even when there are findings' },
  ],
  needsSettings: true,
  async run({ io, options, args }) {
    const apps = (args[0] as string[] | undefined) ?? []
    const codes = (options.rule as string[] | undefined) ?? []
    const installed = loadedApps()
    const unknown = apps.filter((app) => !installed.some((a) => a.label === app))
    if (unknown.length > 0) {
      io.stderr(
        `No installed app '${unknown.join("', '")}'. Installed apps: ${installed.map((a) => a.label).join(', ') || '(none)'}.\n`,
      )
      return EXIT.usage
    }
    try {
      selectRules(codes)
    } catch (err) {
      if (err instanceof MigrationError) {
        io.stderr(`${err.message}\n`)
        return EXIT.usage
      }
      throw err
    }
    // every app's files load: migrations depend on other apps' models
    const findings = await lintMigrations(
      listMigrationFiles(installed.map((a) => ({ label: a.label, migrationsDir: a.migrationsDir }))),
      { target: lintTargetFromSettings(), rules: codes, repoRoot: io.cwd, importer: importModule, apps },
    )
    io.stdout(formatFindings(options.format as ReportFormat, findings, RULES, engineVersion()))
    return findings.length > 0 && options.exitZero !== true ? EXIT.findings : EXIT.ok
  },
}
