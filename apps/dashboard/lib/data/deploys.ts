/**
 * The deploys pages: the reports the Action posted for an environment, and one report in full
 * (lint findings with their codes, the dry-run SQL per migration, drift, applied migrations) with
 * the templates touching the tables it changed, 24 hours before and after it finished.
 *
 * @example
 * ```ts
 * const deploys = await deployList('production')
 * const detail = await deployDetail('production', deploys[0].id)
 * ```
 */
import type { DeployReport } from '@dorm/engine/contrib/telemetry'
import { ensureDatabase } from '../db'
import { Deployment, QueryTemplate } from '../models'
import { summarize, type TemplateStats } from './queries'
import { readRollups } from './rollup-reader'
import { changedTables, templateTouches } from './sql-tables'

/** The window compared before and after a deploy. */
export const IMPACT_WINDOW_MS = 24 * 3_600_000

/** Minute rollups are kept 14 days (one day of margin here). */
const MINUTE_ROLLUPS_KEPT_MS = 13 * 86_400_000

/** One row of the deploys list. */
export interface DeployListRow {
  id: number
  status: string
  gitSha: string | null
  ref: string | null
  pullRequest: number | null
  runUrl: string | null
  finishedAt: Date
  errors: number
  warnings: number
  drift: boolean | null
  applied: string[]
}

/** A template touching a changed table, before and after the deploy. */
export interface DeployImpact {
  fingerprint: string
  template: string
  tables: string[]
  before: TemplateStats
  after: TemplateStats
}

/** One deploy in full. */
export interface DeployDetail extends DeployListRow {
  repository: string | null
  report: DeployReport
  tables: string[]
  impact: DeployImpact[]
}

function listRow(row: InstanceType<typeof Deployment>): DeployListRow {
  return {
    id: Number(row.id),
    status: row.status,
    gitSha: row.git_sha,
    ref: row.ref,
    pullRequest: row.pull_request,
    runUrl: row.run_url,
    finishedAt: new Date(row.finished_at),
    errors: row.errors,
    warnings: row.warnings,
    drift: row.drift,
    applied: Array.isArray(row.applied) ? (row.applied as string[]) : [],
  }
}

/**
 * The deploys of an environment, newest first.
 *
 * @example
 * ```ts
 * await deployList('production', { limit: 50 })
 * ```
 */
export async function deployList(env: string, options: { limit?: number } = {}): Promise<DeployListRow[]> {
  await ensureDatabase()
  const rows = await Deployment.objects
    .filter({ environment__name: env })
    .orderBy('-finished_at', '-id')
    .limit(options.limit ?? 100)
  return rows.map(listRow)
}

/**
 * One deploy of an environment with its correlation, or null when it is not one of this
 * environment's deploys.
 *
 * @example
 * ```ts
 * const detail = await deployDetail('production', 12)
 * detail?.impact[0].after.p95Ms
 * ```
 */
export async function deployDetail(env: string, id: number, now: Date = new Date()): Promise<DeployDetail | null> {
  await ensureDatabase()
  if (!Number.isSafeInteger(id) || id <= 0) return null
  const row = await Deployment.objects.filter({ id, environment__name: env }).first()
  if (!row) return null
  const report = (row.report ?? {}) as DeployReport
  const statements = (report.dry_run?.plan ?? []).flatMap((migration) => migration.sql)
  const tables = changedTables(statements)
  const finishedAt = new Date(row.finished_at)
  const before = { key: 'custom' as const, from: new Date(finishedAt.getTime() - IMPACT_WINDOW_MS), to: finishedAt }
  const afterEnd = new Date(Math.min(now.getTime(), finishedAt.getTime() + IMPACT_WINDOW_MS))
  const after = { key: 'custom' as const, from: finishedAt, to: afterEnd > finishedAt ? afterEnd : finishedAt }
  const impact: DeployImpact[] = []
  if (tables.length > 0) {
    const candidates = (
      (await QueryTemplate.objects.values('fingerprint', 'template')) as unknown as {
        fingerprint: string
        template: string
      }[]
    )
      .map((t) => ({ ...t, tables: tables.filter((table) => templateTouches(t.template, table)) }))
      .filter((t) => t.tables.length > 0)
    // minutes while they are kept, so no hour bucket straddles the deploy
    const resolution = now.getTime() - before.from.getTime() < MINUTE_ROLLUPS_KEPT_MS ? '1m' : '1h'
    for (let i = 0; i < candidates.length; i += 200) {
      const chunk = candidates.slice(i, i + 200)
      const filter = { service__environment__name: env, fingerprint__in: chunk.map((t) => t.fingerprint) }
      const [beforeRows, afterRows] = await Promise.all([
        readRollups(filter, before, { resolution }),
        readRollups(filter, after, { resolution }),
      ])
      for (const candidate of chunk) {
        const beforeOwn = beforeRows.filter(
          (r) => r.fingerprint === candidate.fingerprint && r.bucket_start < finishedAt,
        )
        const afterOwn = afterRows.filter(
          (r) => r.fingerprint === candidate.fingerprint && r.bucket_start >= finishedAt,
        )
        if (beforeOwn.length === 0 && afterOwn.length === 0) continue
        impact.push({
          fingerprint: candidate.fingerprint,
          template: candidate.template,
          tables: candidate.tables,
          before: summarize(beforeOwn),
          after: summarize(afterOwn),
        })
      }
    }
  }
  impact.sort((a, b) => b.after.totalMs + b.before.totalMs - (a.after.totalMs + a.before.totalMs))
  return { ...listRow(row), repository: row.repository, report, tables, impact }
}
