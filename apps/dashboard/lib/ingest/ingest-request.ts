/**
 * `POST /api/v1/ingest`: a telemetry batch from the exporter, with `Authorization: Bearer <ingest
 * key>`. 401 unknown or revoked key, 403 a CI key or a batch naming another environment than the
 * key's, 429 past the key's rate (with Retry-After), 413 over 1 MB (also once gunzipped), 400 bad
 * JSON or envelope (naming the field), else 202 `{ accepted, rejected, errors: [{ index, path,
 * message }] }`; a replayed `batch_id` answers 202 with `duplicate: true` and stores nothing.
 *
 * @example
 * ```ts
 * // app/api/v1/ingest/route.ts
 * export const POST = handleIngestRequest
 * ```
 */
import { ensureDatabase } from '../db'
import { jsonError, readJsonBody } from '../http'
import { pruneInBackgroundWhenDue } from '../retention'
import { unexpectedErrorResponse } from './api-errors'
import { passKeyGate } from './key-gate'
import { storeBatch } from './store-batch'
import { validateBatch } from './validate-batch'

/** Most item errors listed in a response (`rejected` still counts them all). */
export const MAX_LISTED_ERRORS = 100

/**
 * Handles one ingest request.
 *
 * @example
 * ```ts
 * const response = await handleIngestRequest(new Request('http://dashboard/api/v1/ingest', {
 *   method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(batch),
 * }))
 * response.status // 202
 * ```
 */
export async function handleIngestRequest(request: Request): Promise<Response> {
  try {
    await ensureDatabase()
    const gate = await passKeyGate(request, 'ingest')
    if (!gate.ok) return gate.response
    const body = await readJsonBody(request)
    if (!body.ok) return body.response
    const validation = validateBatch(body.value)
    if (!validation.ok) return jsonError(400, validation.error, { issues: validation.issues })
    const named = validation.batch.environment
    if (named !== undefined && named !== gate.auth.environment) {
      return jsonError(
        403,
        `this key belongs to environment '${gate.auth.environment}' but the batch names '${named}': ` +
          `use a key of '${named}', or drop the batch's environment field`,
      )
    }
    const outcome = await storeBatch(gate.auth.environmentId, validation)
    pruneInBackgroundWhenDue()
    const errors = outcome.errors.slice(0, MAX_LISTED_ERRORS)
    return Response.json(
      { ...outcome, errors, ...(outcome.errors.length > errors.length ? { errors_truncated: true } : {}) },
      { status: 202, headers: { 'cache-control': 'no-store' } },
    )
  } catch (err) {
    return unexpectedErrorResponse(err, 'POST /api/v1/ingest')
  }
}
