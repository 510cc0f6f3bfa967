/**
 * The deploy report `command: migrate` sends to the dorm dashboard (`POST /api/v1/deployments`
 * with the CI key): lint findings, the dry-run SQL, the applied migrations, the drift, and where
 * the deploy came from. A dashboard that is down or refuses the report never fails the deploy.
 */
import type { ActionReport } from '../report.js'
import type { RunInfo } from '../run-info.js'
import { reportJson } from './files.js'

/** How long to wait for the dashboard before giving up (the deploy is already done). */
export const DASHBOARD_TIMEOUT_MS = 10_000

/** `applied` when the run passed, `blocked` when lint stopped it before migrating, else `failed`. */
function deployStatus(report: ActionReport): 'applied' | 'blocked' | 'failed' {
  if (report.failure === undefined) return 'applied'
  return report.failure.kind === 'findings' && report.migrate === undefined ? 'blocked' : 'failed'
}

/**
 * The deploy report body (snake_case keys).
 *
 * @example
 * ```ts
 * deployReport(report, run, 'production').status // 'applied'
 * ```
 */
export function deployReport(report: ActionReport, run: RunInfo, environment: string | undefined) {
  const status = deployStatus(report)
  const { lint, dry_run, migrate, drift, failure } = reportJson(report, {})
  return {
    environment: environment ?? null,
    status,
    ...run,
    finished_at: new Date().toISOString(),
    lint,
    dry_run,
    applied: migrate?.applied ?? [],
    migrate,
    drift,
    failure,
  }
}

/**
 * Posts the deploy report. Resolves with a warning message when it did not arrive (network error,
 * timeout, non-2xx), undefined on success; never rejects.
 *
 * @example
 * ```ts
 * const problem = await postDeployReport(new URL('https://dash.example.com'), token, body)
 * if (problem !== undefined) core.warning(problem)
 * ```
 */
export async function postDeployReport(dashboard: URL, token: string, body: unknown): Promise<string | undefined> {
  const url = new URL('/api/v1/deployments', dashboard)
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(DASHBOARD_TIMEOUT_MS),
    })
    if (response.ok) return undefined
    const text = (await response.text()).slice(0, 500)
    return `The dorm dashboard refused the deploy report (${response.status} from ${url.origin}): ${text}. The deploy itself is not affected.`
  } catch (err) {
    const reason =
      (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message
    return `The deploy report did not reach the dorm dashboard at ${url.origin} (${reason}). The deploy itself is not affected.`
  }
}
