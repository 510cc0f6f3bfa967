/**
 * `POST /api/v1/ingest`: telemetry batches from the exporter (ingest key). The key is checked
 * here, in the handler (see lib/ingest/ingest-request.ts for every status).
 *
 * @example
 * ```ts
 * // curl -X POST -H "Authorization: Bearer $DORM_DASHBOARD_KEY" -H 'Content-Encoding: gzip' \
 * //   --data-binary @batch.json.gz https://dashboard.example.com/api/v1/ingest
 * ```
 */
import { handleIngestRequest } from '../../../../lib/ingest/ingest-request'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Stores one batch: 202 `{ accepted, rejected, errors }`, or 400/401/403/413/429. */
export async function POST(request: Request): Promise<Response> {
  return handleIngestRequest(request)
}
