/**
 * `command: dry-run`: the pending migrations and the SQL each would run, changing nothing, from
 * `dorm migrate --dry-run --format json` (its `plan`, or `dorm sqlmigrate` per pending migration
 * with an engine that prints no plan).
 */
import type { ActionContext } from '../context.js'
import { ActionFailure } from '../errors.js'
import type { DryRunResult, MigrateResult, PlannedMigration } from '../report.js'
import { type DormCli, type DormRun, failureOf } from '../run-dorm.js'

/** What `dorm migrate --format json` prints. */
export interface MigrateJson {
  applied: string[]
  unapplied?: string[]
  pending: string[]
  plan?: PlannedMigration[]
  error: MigrateResult['error']
}

/**
 * Runs `dorm migrate <args> --format json` and parses its report. A run that printed no report
 * (e.g. settings that fail to load) throws the failure its exit code stands for.
 */
export async function migrateJson(
  dorm: DormCli,
  args: readonly string[],
): Promise<{ run: DormRun; value: MigrateJson }> {
  const run = await dorm.run(['migrate', ...args, '--format', 'json'])
  let value: MigrateJson
  try {
    value = JSON.parse(run.stdout) as MigrateJson
  } catch {
    throw failureOf(run)
  }
  return { run, value }
}

/**
 * The statements of `dorm sqlmigrate` output: each ends with `;` at the end of a line; `--`
 * comment lines stand alone.
 *
 * @example
 * ```ts
 * splitStatements('CREATE TABLE "a" ("id" int);\n-- RunCode\n') // ['CREATE TABLE "a" ("id" int)', '-- RunCode']
 * ```
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = []
  let current: string[] = []
  for (const line of text.split('\n')) {
    if (current.length === 0 && line.startsWith('--')) {
      statements.push(line)
      continue
    }
    if (current.length === 0 && line.trim() === '') continue
    current.push(line)
    if (line.trimEnd().endsWith(';')) {
      statements.push(current.join('\n').trimEnd().replace(/;$/, ''))
      current = []
    }
  }
  if (current.length > 0) statements.push(current.join('\n').trim())
  return statements
}

async function sqlOf(dorm: DormCli, label: string): Promise<PlannedMigration> {
  const dot = label.indexOf('.')
  const app = label.slice(0, dot)
  const name = label.slice(dot + 1)
  const run = await dorm.run(['sqlmigrate', app, name])
  if (run.code !== 0) throw failureOf(run)
  return { app, name, sql: splitStatements(run.stdout) }
}

/**
 * The pending migrations and their SQL.
 *
 * @example
 * ```ts
 * const { plan } = await dryRunStep(context)
 * plan[0]?.sql // ['ALTER TABLE "shop_order" ADD COLUMN ...', ...]
 * ```
 */
export async function dryRunStep(context: ActionContext): Promise<DryRunResult> {
  const { run, value } = await migrateJson(context.dorm, ['--dry-run'])
  if (value.error !== null) {
    const failure = failureOf(run)
    throw new ActionFailure(failure.kind, `dorm migrate --dry-run failed: ${value.error.message}`)
  }
  let plan = value.plan
  if (plan === undefined) {
    plan = []
    for (const label of value.pending) plan.push(await sqlOf(context.dorm, label))
  }
  return { plan, pending: value.pending, postgres: /^postgres(ql)?:/i.test(context.inputs.databaseUrl ?? '') }
}

/**
 * `command: dry-run`.
 *
 * @example
 * ```ts
 * await dryRunCommand(context) // context.report.dryRun is set
 * ```
 */
export async function dryRunCommand(context: ActionContext): Promise<void> {
  context.report.dryRun = await dryRunStep(context)
}
