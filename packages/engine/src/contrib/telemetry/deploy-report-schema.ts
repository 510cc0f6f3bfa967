/**
 * The deploy report the GitHub Action (`command: migrate`) posts to the dashboard's
 * `POST /api/v1/deployments` with a CI key: where the deploy came from, the lint findings, the
 * dry-run SQL, what was applied and the drift. Defined once here; the dashboard validates with it
 * and the Action's scenario tests check their payload against it. Unknown keys are kept (a newer
 * Action may send more).
 *
 * @example
 * ```ts
 * import { deployReportSchema } from '@dorm/engine/contrib/telemetry'
 * const report = deployReportSchema.parse(body)
 * report.lint?.findings.filter((f) => f.code === 'DORM-M003')
 * ```
 */
import { z } from 'zod'

const text = z.string().max(100_000)
const nullableText = (max: number) => z.string().max(max).nullable().default(null)

/** One lint finding as `dorm lint-migrations --format json` reports it. */
export const deployFindingSchema = z.looseObject({
  code: z.string().regex(/^DORM-M\d{3}$/, 'a rule code such as DORM-M003'),
  rule: z.string().max(200).optional(),
  severity: z.enum(['error', 'warning', 'note', 'info']),
  file: z.string().max(1000),
  line: z.number().int().nonnegative(),
  column: z.number().int().nonnegative().optional(),
  operation: z.string().max(2000).optional(),
  message: text,
  help: text.optional(),
  docs: z.string().max(2000).optional(),
})

/** One migration of the dry-run plan and the SQL it runs. */
export const plannedMigrationSchema = z.object({
  app: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  sql: z.array(text).max(10_000),
})

/** The deploy report body. */
export const deployReportSchema = z.looseObject({
  environment: z.string().min(1).max(200).nullable().default(null),
  status: z.enum(['applied', 'blocked', 'failed']),
  repository: nullableText(500),
  git_sha: nullableText(100),
  ref: nullableText(500),
  pull_request: z.number().int().positive().nullable().default(null),
  run_url: nullableText(2000),
  workflow: nullableText(500),
  actor: nullableText(200),
  event: nullableText(100),
  finished_at: z.iso.datetime({ offset: true }),
  lint: z
    .looseObject({
      errors: z.number().int().nonnegative(),
      warnings: z.number().int().nonnegative(),
      findings: z.array(deployFindingSchema).max(10_000),
    })
    .nullable()
    .default(null),
  dry_run: z
    .looseObject({
      pending: z.array(z.string().max(500)).max(10_000),
      plan: z.array(plannedMigrationSchema).max(10_000),
    })
    .nullable()
    .default(null),
  applied: z.array(z.string().max(500)).max(10_000).default([]),
  drift: z
    .looseObject({ drift: z.boolean(), findings: z.array(z.looseObject({ kind: z.string(), detail: z.string() })) })
    .nullable()
    .default(null),
  failure: z.looseObject({ kind: z.string(), message: text }).nullable().default(null),
})

export type DeployFinding = z.infer<typeof deployFindingSchema>
export type DeployReport = z.infer<typeof deployReportSchema>
