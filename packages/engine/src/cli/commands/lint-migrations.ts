/**
 * `dorm lint-migrations [apps...] [--format text|json|sarif|github] [--rule CODE...]
 * [--fail-on error|warning|never] [--exit-zero] [--since REF] [--baseline FILE] [--write-baseline FILE]`:
 * audits the installed apps' migrations for online-deploy footguns; a CI gate (exit 1 on findings,
 * or only on error-severity ones with `--fail-on error`).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { MigrationError } from '../../errors.js'
import { inProcessImporter } from '../../migrations/in-process-importer.js'
import { filterBaseline, readBaseline, writeBaseline } from '../../migrations/lint/baseline.js'
import { changedFilesSince, isChanged } from '../../migrations/lint/changed-files.js'
import type { Severity } from '../../migrations/lint/lint-rule.js'
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

/** The values of `--fail-on`. */
export const FAIL_ON = ['error', 'warning', 'never'] as const

/** Which findings fail the run: `warning` any, `error` error-severity ones, `never` none. */
export type FailOn = (typeof FAIL_ON)[number]

/**
 * The findings that make `dorm lint-migrations` exit 1 under `--fail-on`.
 *
 * @example
 * ```ts
 * failingFindings(findings, 'error').length // the error-severity findings only
 * ```
 */
export function failingFindings<T extends { readonly severity: Severity }>(
  findings: readonly T[],
  failOn: FailOn,
): T[] {
  if (failOn === 'never') return []
  return failOn === 'error' ? findings.filter((f) => f.severity === 'error') : [...findings]
}

function engineVersion(): string {
  // src/cli/commands and dist/cli/commands both sit three levels below package.json
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/**
 * Lints every migration of INSTALLED_APPS (or of `apps`): exit 1 on findings (`--fail-on warning`,
 * the default), on error-severity findings only (`--fail-on error`), never (`--fail-on never` or
 * `--exit-zero`); 0 when clean; 2 for an unknown app, rule or git ref or an unreadable baseline.
 * `--since` keeps the findings of files changed since a git ref, `--baseline` drops the findings
 * accepted in a baseline file, `--write-baseline` writes the current findings to one (exit 0).
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
    'line (or the line above it) for that operation; `-- noqa: DORM-M00X` inside RunSQL SQL covers the',
    'statement on its line or the next. Each code is documented in docs/rules/<code>.md.',
    '',
    'Examples:',
    '  dorm lint-migrations',
    '  dorm lint-migrations shop --format json',
    '  dorm lint-migrations --format sarif > lint.sarif',
    '  dorm lint-migrations --fail-on error',
    '  dorm lint-migrations --format github --rule DORM-M001 --rule DORM-M003',
    '  dorm lint-migrations --since origin/main',
    '  dorm lint-migrations --write-baseline lint-baseline.json',
    '  dorm lint-migrations --baseline lint-baseline.json',
  ].join('\n'),
  arguments: [{ name: '[apps...]', description: 'only these apps (default: every installed app)' }],
  options: [
    { flags: '--format <format>', description: 'output format', defaultValue: 'text', choices: REPORT_FORMATS },
    { flags: '--rule <code...>', description: 'only these rule codes (repeatable, case-insensitive)' },
    {
      flags: '--fail-on <severity>',
      description: 'findings that fail the run (exit 1): warning = any (default), error = error-severity only, never',
      defaultValue: 'warning',
      choices: FAIL_ON,
    },
    { flags: '--exit-zero', description: 'exit 0 even when there are findings (same as --fail-on never)' },
    {
      flags: '--since <ref>',
      description: 'only migration files added or changed since this git ref (committed or not)',
    },
    { flags: '--baseline <file>', description: 'drop the findings accepted in this baseline file' },
    { flags: '--write-baseline <file>', description: 'write the current findings to this baseline file and exit 0' },
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
    const since = options.since as string | undefined
    const baselinePath = options.baseline as string | undefined
    const writePath = options.writeBaseline as string | undefined
    if (baselinePath !== undefined && writePath !== undefined) {
      io.stderr('--baseline and --write-baseline cannot be used together.\n')
      return EXIT.usage
    }
    let changed: Set<string> | undefined
    let baseline: ReturnType<typeof readBaseline> | undefined
    try {
      selectRules(codes)
      if (since !== undefined) changed = changedFilesSince(since, io.cwd)
      if (baselinePath !== undefined) baseline = readBaseline(resolve(io.cwd, baselinePath))
    } catch (err) {
      if (err instanceof MigrationError) {
        io.stderr(`${err.message}\n`)
        return EXIT.usage
      }
      throw err
    }
    // every app's files load: migrations depend on other apps' models
    let findings = await lintMigrations(
      listMigrationFiles(installed.map((a) => ({ label: a.label, migrationsDir: a.migrationsDir }))),
      {
        target: lintTargetFromSettings(),
        rules: codes,
        repoRoot: io.cwd,
        importer: inProcessImporter(importModule),
        apps,
      },
    )
    if (changed !== undefined) {
      const files = changed
      findings = findings.filter((f) => isChanged(f.file, io.cwd, files))
    }
    if (writePath !== undefined) {
      const written = writeBaseline(resolve(io.cwd, writePath), findings)
      io.stdout(`Wrote ${written.findings.length} finding(s) to ${writePath}.\n`)
      return EXIT.ok
    }
    if (baseline !== undefined) findings = filterBaseline(findings, baseline)
    io.stdout(formatFindings(options.format as ReportFormat, findings, RULES, engineVersion()))
    const failOn = options.exitZero === true ? 'never' : (options.failOn as FailOn | undefined)
    return failingFindings(findings, failOn ?? 'warning').length > 0 ? EXIT.findings : EXIT.ok
  },
}
