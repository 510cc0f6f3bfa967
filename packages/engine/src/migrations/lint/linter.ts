/**
 * `lintMigrations`: loads migration files one by one (a file that throws is a DORM-M000 finding,
 * not the end of the run), replays the whole history so every rule sees the project state before
 * and after each operation, runs the rules, places each finding at its operation's line and
 * column, and applies `// noqa:` suppressions and the `--rule` filter.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { getDatabaseSettings, getSettings } from '../../conf/settings.js'
import { MigrationError } from '../../errors.js'
import { inProcessImporter, isPreparing } from '../in-process-importer.js'
import type { Migration, MigrationDefinition } from '../migration.js'
import { MIGRATION_FILE, type MigrationApp, type ModuleImporter, nativeImporter } from '../migration-loader.js'
import { modelKey, ProjectState } from '../migration-state.js'
import type { CreateModel } from '../operations/model-operations.js'
import type { RunSQL } from '../operations/special-operations.js'
import { compareFindings, Finding } from './finding.js'
import { type LintRule, type LintTarget, type OperationContext, type RuleHit, ruleDocsUrl } from './lint-rule.js'
import { RULES } from './rules/index.js'
import { importErrorHit } from './rules/m000-import-error.js'
import { unusedSuppressionHit } from './rules/m098-unused-suppression.js'
import { unparsableSqlHit } from './rules/m099-unparsable-sql.js'
import { locateOperations, operationLocation, type SourceLocations } from './source-locations.js'
import { splitSql } from './sql-statements.js'
import { statementColumns } from './statement-columns.js'
import { parseSuppressions, SuppressionSet } from './suppressions.js'

/** Files loaded at once. */
const LOAD_CONCURRENCY = 32

/** A migration file to load and lint. */
export interface MigrationFile {
  readonly app: string
  /** Absolute path (or relative to `repoRoot`). */
  readonly file: string
}

/** How {@link lintMigrations} runs. */
export interface LintOptions {
  /** The database the migrations target (default: PostgreSQL 15; the CLI reads the settings). */
  readonly target?: LintTarget
  /** Only these codes (case-insensitive); default every rule. */
  readonly rules?: readonly string[]
  /** Paths in findings are relative to it (default: the working directory). */
  readonly repoRoot?: string
  /** Loads migration files (default: the runtime's `import()`). */
  readonly importer?: ModuleImporter
  /** Report findings of these apps only; the other apps' migrations still replay into the state. */
  readonly apps?: readonly string[]
  /** The rule set (default {@link RULES}). */
  readonly registry?: readonly LintRule[]
}

/** The target when nothing says otherwise: the seed's PostgreSQL. */
export const DEFAULT_LINT_TARGET: LintTarget = { vendor: 'postgresql', postgresVersion: 15 }

/**
 * The lint target from the configured settings: the vendor of the `default` alias (PostgreSQL
 * when no database is configured) and `LINT_POSTGRES_VERSION` (default 15).
 *
 * @example
 * ```ts
 * configure({ DATABASES: { default: 'sqlite:///db.sqlite3' } })
 * lintTargetFromSettings() // { vendor: 'sqlite', postgresVersion: 15 }
 * ```
 */
export function lintTargetFromSettings(): LintTarget {
  let vendor: LintTarget['vendor'] = 'postgresql'
  try {
    vendor = getDatabaseSettings('default').ENGINE
  } catch {
    // no DATABASES: lint for PostgreSQL, the strictest target
  }
  const raw = Number(getSettings().LINT_POSTGRES_VERSION ?? DEFAULT_LINT_TARGET.postgresVersion)
  const postgresVersion = Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_LINT_TARGET.postgresVersion
  return { vendor, postgresVersion }
}

/**
 * The rules `codes` names (all of `registry` when empty), or a MigrationError naming the known codes.
 *
 * @example
 * ```ts
 * selectRules(['dorm-m003']).map((r) => r.code) // ['DORM-M003']
 * ```
 */
export function selectRules(codes: readonly string[] | undefined, registry: readonly LintRule[] = RULES): LintRule[] {
  if (codes === undefined || codes.length === 0) return [...registry]
  const wanted = new Set(codes.map((c) => c.trim().toUpperCase()))
  const unknown = [...wanted].filter((c) => !registry.some((r) => r.code === c))
  if (unknown.length > 0) {
    throw new MigrationError(
      `Unknown lint rule ${unknown.join(', ')}. Known rules: ${registry.map((r) => r.code).join(', ')}.`,
    )
  }
  return registry.filter((r) => wanted.has(r.code))
}

/**
 * The migration files of `apps`, by app then name, as the loader would find them (without
 * importing them: the linter loads each on its own).
 *
 * @example
 * ```ts
 * const files = listMigrationFiles([{ label: 'shop', migrationsDir: 'src/shop/migrations' }])
 * ```
 */
export function listMigrationFiles(apps: readonly MigrationApp[]): MigrationFile[] {
  const out: MigrationFile[] = []
  for (const app of apps) {
    if (!existsSync(app.migrationsDir)) continue
    const names = readdirSync(app.migrationsDir)
      .filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
      .sort()
    for (const name of names) out.push({ app: app.label, file: join(app.migrationsDir, name) })
  }
  return out
}

interface Entry {
  readonly app: string
  readonly name: string
  readonly path: string
  migration?: Migration
  loadError?: unknown
}

function isMigration(value: Migration | MigrationFile): value is Migration {
  return Array.isArray((value as Migration).operations)
}

function isDefinition(value: unknown): value is MigrationDefinition {
  return typeof value === 'object' && value !== null && Array.isArray((value as MigrationDefinition).operations)
}

function nameOf(path: string): string {
  const file = basename(path)
  return MIGRATION_FILE.exec(file)?.[1] ?? file.replace(/\.[^.]+$/, '')
}

async function load(input: Migration | MigrationFile, root: string, importer: ModuleImporter): Promise<Entry> {
  if (isMigration(input)) return { app: input.app, name: input.name, path: input.file, migration: input }
  const path = isAbsolute(input.file) ? input.file : resolve(root, input.file)
  const entry: Entry = { app: input.app, name: nameOf(path), path }
  try {
    const module = await importer(path)
    const definition = module.default
    if (!isDefinition(definition)) {
      throw new MigrationError('the file has no default export made by migration({...})')
    }
    entry.migration = { ...definition, app: input.app, name: entry.name, file: path }
  } catch (err) {
    entry.loadError = err
  }
  return entry
}

/** Lets an importer that can (the in-process one) transpile every file in one batch first. */
async function prepareImports(
  importer: ModuleImporter,
  inputs: readonly (Migration | MigrationFile)[],
  root: string,
): Promise<void> {
  if (!isPreparing(importer)) return
  const paths: string[] = []
  for (const input of inputs) {
    if (!isMigration(input)) paths.push(isAbsolute(input.file) ? input.file : resolve(root, input.file))
  }
  await importer.prepare(paths)
}

/** Dependencies first; missing dependencies (an unloadable file) are skipped, never fatal. */
function historyOrder(entries: readonly Entry[]): Entry[] {
  const byKey = new Map(entries.map((e) => [`${e.app}.${e.name}`, e]))
  const sorted = [...entries].sort((a, b) => `${a.app}.${a.name}`.localeCompare(`${b.app}.${b.name}`))
  const out: Entry[] = []
  const seen = new Set<string>()
  const visit = (entry: Entry): void => {
    const key = `${entry.app}.${entry.name}`
    if (seen.has(key)) return
    seen.add(key)
    for (const [app, name] of entry.migration?.dependencies ?? []) {
      const dep = byKey.get(`${app}.${name}`)
      if (dep !== undefined) visit(dep)
    }
    out.push(entry)
  }
  for (const entry of sorted) visit(entry)
  return out
}

function repoPath(root: string, path: string): string {
  const rel = relative(root, path)
  return (rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel).split(sep).join('/')
}

interface FileContext {
  readonly entry: Entry
  readonly file: string
  readonly locations: SourceLocations
  readonly suppressions: SuppressionSet
  readonly findings: Finding[]
  /** The source's lines, to place RunSQL statements' findings at their columns. */
  readonly lines: readonly string[]
}

async function fileContext(entry: Entry, root: string): Promise<FileContext> {
  let text: string | undefined
  try {
    if (existsSync(entry.path)) text = readFileSync(entry.path, 'utf8')
  } catch {
    text = undefined
  }
  const locations = text === undefined ? { operations: [] } : await locateOperations(text, entry.path)
  return {
    entry,
    file: repoPath(root, entry.path),
    locations,
    suppressions: new SuppressionSet(text === undefined ? [] : parseSuppressions(text, locations)),
    findings: [],
    lines: text === undefined ? [] : text.split(/\r?\n/),
  }
}

/**
 * Lints migrations: loaded ones (`Migration` objects) or files to load, each on its own so a file
 * that throws becomes a DORM-M000 finding. Findings come back sorted by file, line and column.
 *
 * @example
 * ```ts
 * const findings = await lintMigrations([{ app: 'shop', file: 'src/shop/migrations/0002_status.ts' }], {
 *   target: { vendor: 'postgresql', postgresVersion: 15 }, repoRoot: process.cwd(),
 * })
 * for (const f of findings) console.log(`${f.code} ${f.file}:${f.line}: ${f.message}`)
 * ```
 */
export async function lintMigrations(
  inputs: readonly (Migration | MigrationFile)[],
  options: LintOptions = {},
): Promise<Finding[]> {
  const root = options.repoRoot ?? process.cwd()
  const target = options.target ?? DEFAULT_LINT_TARGET
  const registry = options.registry ?? RULES
  const active = selectRules(options.rules, registry)
  const activeCodes = new Set(active.map((r) => r.code))
  const knownCodes = new Set(registry.map((r) => r.code))
  const ruleOf = new Map(registry.map((r) => [r.code, r]))
  const reported = (app: string) =>
    options.apps === undefined || options.apps.length === 0 || options.apps.includes(app)

  // files load concurrently: a TypeScript loader's hooks run off-thread, so one file at a time
  // spends most of its time waiting; results keep the input order
  const importer = options.importer ?? inProcessImporter(nativeImporter)
  await prepareImports(importer, inputs, root)
  const entries: Entry[] = new Array(inputs.length)
  let next = 0
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++
      entries[i] = await load(inputs[i] as Migration | MigrationFile, root, importer)
    }
  }
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, inputs.length) }, worker))
  const files = new Map<Entry, FileContext>()
  for (const entry of entries) if (reported(entry.app)) files.set(entry, await fileContext(entry, root))

  const add = (
    ctx: FileContext,
    code: string,
    hit: RuleHit,
    operation: string,
    index: number | undefined,
    line?: number,
    column?: number,
  ) => {
    if (!activeCodes.has(code) || ctx.suppressions.suppresses(code, index, line)) return
    const rule = ruleOf.get(code)
    const location = index === undefined ? undefined : operationLocation(ctx.locations, index)
    const opLine = location?.line ?? 1
    ctx.findings.push(
      new Finding({
        code,
        rule: rule?.name ?? code,
        severity: rule?.severity ?? 'warning',
        file: ctx.file,
        line: line ?? opLine,
        column: column ?? (line === undefined || line === opLine ? (location?.column ?? 1) : 1),
        operation,
        message: hit.message,
        help: hit.help,
        docs: ruleDocsUrl(code),
      }),
    )
  }

  const state = new ProjectState()
  const history: Migration[] = []
  for (const entry of historyOrder(entries)) {
    const ctx = files.get(entry)
    if (entry.migration === undefined) {
      if (ctx !== undefined) add(ctx, 'DORM-M000', importErrorHit(entry.loadError), '<import error>', undefined)
      continue
    }
    await replay(entry.migration, state, target, active, ctx, add, history)
    history.push(entry.migration)
  }

  const findings: Finding[] = []
  for (const ctx of files.values()) {
    for (const { suppression, code } of ctx.suppressions.unused(activeCodes, knownCodes)) {
      const index = suppression.operationIndex
      const op = index === undefined ? '<file>' : (ctx.entry.migration?.operations[index]?.repr() ?? '<file>')
      if (!activeCodes.has('DORM-M098')) continue
      const rule = ruleOf.get('DORM-M098')
      const hit = unusedSuppressionHit(code, suppression)
      ctx.findings.push(
        new Finding({
          code: 'DORM-M098',
          rule: rule?.name ?? 'unused-suppression',
          severity: rule?.severity ?? 'warning',
          file: ctx.file,
          line: suppression.line,
          column: suppression.column,
          operation: op,
          message: hit.message,
          help: hit.help,
          docs: ruleDocsUrl('DORM-M098'),
        }),
      )
    }
    findings.push(...ctx.findings)
  }
  // stable: one operation's findings keep the rules' order
  return findings.sort(compareFindings)
}

type Add = (
  ctx: FileContext,
  code: string,
  hit: RuleHit,
  operation: string,
  index: number | undefined,
  line?: number,
  column?: number,
) => void

async function replay(
  migration: Migration,
  state: ProjectState,
  target: LintTarget,
  rules: readonly LintRule[],
  ctx: FileContext | undefined,
  add: Add,
  history: readonly Migration[],
): Promise<void> {
  const createdHere = new Set<string>()
  for (const [index, operation] of migration.operations.entries()) {
    const before = state.clone()
    try {
      operation.stateForwards(migration.app, state)
    } catch {
      // a history the linter cannot replay (a dependency failed to load): the state stays as it was
    }
    if (ctx !== undefined) {
      const context: OperationContext = {
        migration,
        target,
        operation,
        index,
        before,
        after: state.clone(),
        createdHere: new Set(createdHere),
        history,
      }
      const repr = operation.repr()
      for (const rule of rules) {
        for (const hit of rule.checkOperation?.(context) ?? []) add(ctx, rule.code, hit, repr, index)
      }
      // by kind, not instanceof: a project's migrations may load another copy of the engine
      if (operation.kind === 'RunSQL') {
        const location = operationLocation(ctx.locations, index)
        const { statements, errors } = await splitSql((operation as RunSQL).sql, location.sqlLines)
        const lineOf = (offset: number) =>
          location.sqlLines.length > 0 ? (location.sqlLines[0] as number) + offset : undefined
        for (const error of errors)
          add(ctx, 'DORM-M099', unparsableSqlHit(error.message), repr, index, lineOf(error.lineOffset))
        const columns = statementColumns(
          ctx.lines,
          statements.map((s) => ({ line: lineOf(s.lineOffset), sql: s.sql })),
        )
        for (const [i, statement] of statements.entries()) {
          for (const rule of rules) {
            for (const hit of rule.checkStatement?.(context, statement, statements) ?? []) {
              add(ctx, rule.code, hit, repr, index, lineOf(statement.lineOffset), columns[i])
            }
          }
        }
      }
    }
    if (operation.kind === 'CreateModel') createdHere.add(modelKey(migration.app, (operation as CreateModel).name))
  }
  if (ctx !== undefined) {
    for (const rule of rules) {
      for (const hit of rule.checkMigration?.(migration, target) ?? [])
        add(ctx, rule.code, hit, '<migration>', undefined)
    }
  }
}
