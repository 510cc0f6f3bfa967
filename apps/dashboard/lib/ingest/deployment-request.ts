/**
 * `POST /api/v1/deployments`: a deploy report from the Action, with `Authorization: Bearer <ci
 * key>`. 401 unknown or revoked key, 403 an ingest key or a report naming another environment,
 * 429 past the key's rate, 413 over 1 MB, 400 a report the shared `deployReportSchema` refuses
 * (naming the field), else 202 `{ accepted: 1, rejected: 0, errors: [], id }` (with
 * `duplicate: true` when the same run's report was stored before).
 *
 * @example
 * ```ts
 * // app/api/v1/deployments/route.ts
 * export const POST = handleDeploymentRequest
 * ```
 */
import { deployReportSchema } from '@dorm/engine/contrib/telemetry'
import { ensureDatabase } from '../db'
import { jsonError, readJsonBody } from '../http'
import { unexpectedErrorResponse } from './api-errors'
import { passKeyGate } from './key-gate'
import { storeDeployment } from './store-deployment'
import { formatPath } from './validate-batch'

/**
 * Handles one deploy report.
 *
 * @example
 * ```ts
 * const response = await handleDeploymentRequest(new Request('http://dashboard/api/v1/deployments', {
 *   method: 'POST', headers: { authorization: `Bearer ${ciKey}` }, body: JSON.stringify(report),
 * }))
 * ```
 */
export async function handleDeploymentRequest(request: Request): Promise<Response> {
  try {
    await ensureDatabase()
    const gate = await passKeyGate(request, 'ci')
    if (!gate.ok) return gate.response
    const body = await readJsonBody(request)
    if (!body.ok) return body.response
    const parsed = deployReportSchema.safeParse(body.value)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
      const first = issues[0] as { path: string; message: string }
      return jsonError(400, `invalid deploy report: ${first.path}: ${first.message}`, { issues })
    }
    const named = parsed.data.environment
    if (named !== null && named !== gate.auth.environment) {
      return jsonError(
        403,
        `this key belongs to environment '${gate.auth.environment}' but the report names '${named}': ` +
          `use a CI key of '${named}'`,
      )
    }
    const { id, duplicate } = await storeDeployment(gate.auth.environmentId, parsed.data)
    return Response.json(
      { accepted: 1, rejected: 0, errors: [], id, ...(duplicate ? { duplicate: true } : {}) },
      { status: 202, headers: { 'cache-control': 'no-store' } },
    )
  } catch (err) {
    return unexpectedErrorResponse(err, 'POST /api/v1/deployments')
  }
}
