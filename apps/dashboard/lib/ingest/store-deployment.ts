/**
 * Stores a deploy report from the Action as a Deployment of the key's environment, kept forever.
 * A report repeating the `run_url`, `git_sha` and `status` of a stored one (a retried upload) is
 * not stored twice; reports of one environment are stored one at a time (the environment row is
 * locked) so two copies sent at once cannot both pass that check.
 *
 * @example
 * ```ts
 * const report = deployReportSchema.parse(body)
 * const { id, duplicate } = await storeDeployment(auth.environmentId, report)
 * ```
 */
import { atomic } from '@dorm/engine'
import type { DeployReport } from '@dorm/engine/contrib/telemetry'
import { Deployment, Environment } from '../models'

/**
 * Stores the report (or finds the stored copy) and returns the Deployment's id.
 *
 * @example
 * ```ts
 * await storeDeployment(1, report) // { id: 12, duplicate: false }
 * ```
 */
export async function storeDeployment(
  environmentId: number,
  report: DeployReport,
): Promise<{ id: number; duplicate: boolean }> {
  return atomic(async () => {
    await Environment.objects.filter({ id: environmentId }).selectForUpdate().first()
    if (report.run_url !== null) {
      const same = await Deployment.objects
        .filter({
          environmentId,
          run_url: report.run_url,
          status: report.status,
          ...(report.git_sha === null ? { git_sha__isnull: true } : { git_sha: report.git_sha }),
        })
        .values('id')
        .first()
      if (same !== null) return { id: Number(same.id), duplicate: true }
    }
    const deployment = await Deployment.objects.create({
      environmentId,
      status: report.status,
      repository: report.repository,
      git_sha: report.git_sha,
      ref: report.ref,
      pull_request: report.pull_request,
      run_url: report.run_url,
      finished_at: new Date(report.finished_at),
      received_at: new Date(),
      errors: report.lint?.errors ?? 0,
      warnings: report.lint?.warnings ?? 0,
      drift: report.drift === null ? null : report.drift.drift,
      applied: report.applied,
      report,
    })
    return { id: Number(deployment.id), duplicate: false }
  })
}
