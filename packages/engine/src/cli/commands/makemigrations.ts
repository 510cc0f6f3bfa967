/**
 * `dorm makemigrations [apps...] [--name N] [--check] [--empty] [--rename app.Model.old:new ...]
 * [--dry-run]`: compares the models with what the migrations describe and writes the migrations
 * that are missing, as TypeScript files next to the existing ones.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { MigrationError } from '../../errors.js'
import { detectChanges, type FieldRename } from '../../migrations/autodetector.js'
import { inProcessImporter } from '../../migrations/in-process-importer.js'
import { MigrationGraph } from '../../migrations/migration-graph.js'
import { loadMigrations, type ModuleImporter } from '../../migrations/migration-loader.js'
import {
  checkMigrationName,
  type PlannedMigration,
  planEmptyMigration,
  planMigrations,
} from '../../migrations/migration-planner.js'
import { type MigrationImports, migrationSource } from '../../migrations/migration-writer.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import { type CliIo, type CommandSpec, EXIT } from '../command.js'
import { loadedApps } from '../load-apps.js'
import { displayPath, importModule } from '../load-settings.js'

/** What makemigrations needs to know about an installed app. */
export interface MakemigrationsApp {
  readonly label: string
  /** Absolute path of `<app>/migrations` (created when the first migration is written). */
  readonly migrationsDir: string
  /** The app's concrete models. */
  readonly models: readonly ModelClassLike[]
}

/** The seams of {@link createMakemigrationsCommand}: tests and embedders replace them. */
export interface MakemigrationsDependencies {
  /** The installed apps; default the CLI's `loadedApps()` (INSTALLED_APPS, loaded before the command runs). */
  readonly apps?: () => readonly MakemigrationsApp[] | Promise<readonly MakemigrationsApp[]>
  /** Loads migration files; default the CLI's TypeScript-capable importer. */
  readonly importer?: ModuleImporter
  /** Module specifiers the written files import from; default `@dorm/engine` and `@dorm/engine/migrations`. */
  readonly importFrom?: Partial<MigrationImports>
  /** The clock for `auto_<timestamp>` names. */
  readonly now?: () => Date
}

const RENAME = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\.([A-Za-z_$][\w$]*):([A-Za-z_$][\w$]*)$/

/**
 * Parses `--rename` values (`shop.Order.total:amount`), or throws a message naming the bad one.
 *
 * @example
 * ```ts
 * parseRenames(['shop.Order.total:amount']) // [{ app: 'shop', model: 'Order', from: 'total', to: 'amount' }]
 * ```
 */
export function parseRenames(values: readonly string[]): FieldRename[] {
  return values.map((value) => {
    const match = RENAME.exec(value)
    if (match === null) {
      throw new MigrationError(
        `--rename '${value}' is not app.Model.old:new (e.g. shop.Order.total:amount). ` +
          'Put app labels before --rename: its values run to the next option.',
      )
    }
    const [, app, model, from, to] = match as unknown as [string, string, string, string, string]
    return { app, model, from, to }
  })
}

function noChanges(apps: readonly string[]): string {
  if (apps.length === 0) return 'No changes detected'
  if (apps.length === 1) return `No changes detected in app '${apps[0]}'`
  return `No changes detected in apps ${apps.map((a) => `'${a}'`).join(', ')}`
}

function report(io: CliIo, planned: readonly PlannedMigration[], paths: ReadonlyMap<PlannedMigration, string>): void {
  for (const m of planned) {
    io.stdout(`Migrations for '${m.app}':\n`)
    io.stdout(`  ${displayPath(io.cwd, paths.get(m) as string)}\n`)
    for (const op of m.operations) io.stdout(`    - ${op.describe()}\n`)
  }
}

function usage(io: CliIo, message: string): number {
  io.stderr(`${message}\n`)
  return EXIT.usage
}

/**
 * Builds the makemigrations command with its seams (apps, importer, import specifiers, clock).
 *
 * @example
 * ```ts
 * const command = createMakemigrationsCommand({ importFrom: { engine: '../../src/index.js' } })
 * await main(['makemigrations', 'shop', '--check'], io, [command])
 * ```
 */
export function createMakemigrationsCommand(dependencies: MakemigrationsDependencies = {}): CommandSpec {
  return {
    name: 'makemigrations',
    summary: 'write the migrations model changes need; --check exits 1',
    help: [
      'Compares every installed app’s models with what its migrations describe and writes',
      '<app>/migrations/NNNN_<name>.ts for each app that changed. Renames are never guessed: a renamed',
      'field is a removal and an addition unless --rename names it.',
      '',
      'Examples:',
      '  dorm makemigrations',
      '  dorm makemigrations shop --name add_customer_email',
      '  dorm makemigrations --check            (CI: exit 1 when a migration is missing)',
      '  dorm makemigrations shop --empty --name backfill_totals',
      '  dorm makemigrations shop --rename shop.Order.total:amount',
    ].join('\n'),
    arguments: [{ name: '[apps...]', description: 'only these app labels (and the apps their new models need)' }],
    options: [
      { flags: '--name <name>', description: 'name of the migration instead of a derived one' },
      { flags: '--check', description: 'write nothing; exit 1 when changes have no migration yet' },
      { flags: '--empty', description: 'write an empty migration for each named app, to fill in by hand' },
      { flags: '--rename <spec...>', description: 'a field rename to write as RenameField: app.Model.old:new' },
      { flags: '--dry-run', description: 'show what would be written, write nothing' },
    ],
    needsSettings: true,
    async run({ io, options, args }) {
      const selected = ((args[0] as string[] | undefined) ?? []).map(String)
      const name = options.name === undefined ? undefined : String(options.name)
      const check = options.check === true
      const empty = options.empty === true
      const dryRun = options.dryRun === true
      let renames: FieldRename[]
      try {
        if (name !== undefined) checkMigrationName(name)
        renames = parseRenames(((options.rename as string[] | undefined) ?? []).map(String))
      } catch (err) {
        return usage(io, (err as Error).message)
      }
      if (empty && selected.length === 0) return usage(io, 'You must supply at least one app label when using --empty.')
      if (empty && check) return usage(io, '--check and --empty cannot be combined.')

      const apps = await (dependencies.apps ?? loadedApps)()
      const byLabel = new Map(apps.map((app) => [app.label, app] as const))
      const unknown = [...selected, ...renames.map((r) => r.app)].filter((label) => !byLabel.has(label))
      if (unknown.length > 0) {
        return usage(
          io,
          `App '${unknown[0]}' could not be found. Installed apps: ${[...byLabel.keys()].join(', ') || '(none)'}. ` +
            'Is it in INSTALLED_APPS?',
        )
      }

      const migrations = await loadMigrations(apps, dependencies.importer ?? inProcessImporter(importModule))
      const graph = new MigrationGraph(migrations)
      const now = dependencies.now?.() ?? new Date()
      let planned: PlannedMigration[]
      if (empty) {
        planned = selected.map((app) => planEmptyMigration(app, { graph, name, now }))
      } else {
        const state = graph.finalState()
        const changes = detectChanges(
          state,
          apps.flatMap((app) => app.models),
          { apps: selected, renames, warn: (message) => io.stderr(`Warning: ${message}\n`) },
        )
        if (changes.size === 0) {
          io.stdout(`${noChanges(selected)}\n`)
          return EXIT.ok
        }
        planned = planMigrations(changes, { graph, fromState: state, name, now })
      }

      const paths = new Map<PlannedMigration, string>()
      for (const m of planned) {
        const app = byLabel.get(m.app)
        if (app === undefined) {
          throw new MigrationError(
            `Models with the app label '${m.app}' changed, but no installed app has that label ` +
              `(installed: ${[...byLabel.keys()].join(', ')}). Define them in an app listed in INSTALLED_APPS.`,
          )
        }
        paths.set(m, join(app.migrationsDir, `${m.name}.ts`))
      }
      // every file is rendered before any is written: a field that cannot be written leaves no half-done set
      const sources = new Map(planned.map((m) => [m, migrationSource(m, { importFrom: dependencies.importFrom })]))
      report(io, planned, paths)
      if (check) {
        const count = planned.reduce((n, m) => n + m.operations.length, 0)
        io.stdout(
          `makemigrations --check: ${count} pending operation(s). Run \`dorm makemigrations\` and commit the result.\n`,
        )
        return EXIT.findings
      }
      if (dryRun) return EXIT.ok
      for (const m of planned) {
        const path = paths.get(m) as string
        if (existsSync(path)) {
          throw new MigrationError(
            `${path} exists already; makemigrations does not overwrite files. Pass another --name.`,
          )
        }
      }
      for (const m of planned) {
        const path = paths.get(m) as string
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, sources.get(m) as string, { flag: 'wx' })
      }
      return EXIT.ok
    },
  }
}

/**
 * `dorm makemigrations`, as the CLI registers it.
 *
 * @example
 * ```ts
 * // $ dorm makemigrations --check
 * await main(['makemigrations', '--check'], io) // 1 when a migration is missing
 * ```
 */
export const makemigrationsCommand: CommandSpec = createMakemigrationsCommand()
