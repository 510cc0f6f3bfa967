/**
 * `POST /api/v1/deployments`: deploy reports from the GitHub Action (CI key). The key is checked
 * here, in the handler (see lib/ingest/deployment-request.ts for every status).
 *
 * @example
 * ```ts
 * // curl -X POST -H "Authorization: Bearer $DORM_DASHBOARD_CI_KEY" --data @report.json \
 * //   https://dashboard.example.com/api/v1/deployments
 * ```
 */
import { handleDeploymentRequest } from '../../../../lib/ingest/deployment-request'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Stores one deploy report: 202 `{ accepted, rejected, errors, id }`, or 400/401/403/413/429. */
export async function POST(request: Request): Promise<Response> {
  return handleDeploymentRequest(request)
}
