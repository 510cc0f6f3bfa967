/**
 * `GET /api/v1/health`: liveness of the dashboard itself, without auth (load balancers, the
 * compose healthcheck). 200 `{ status: 'ok', database: 'ok' }` when its store answers, else 503
 * `{ status: 'error', database: 'error', error }`.
 *
 * @example
 * ```ts
 * // curl -fsS https://dashboard.example.com/api/v1/health
 * ```
 */
import { getConnection, getLogger } from '@dorm/engine'
import { ensureDatabase } from '../../../../lib/db'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const logger = getLogger('dorm.dashboard.api')

/** Checks the store with `SELECT 1`. */
export async function GET(): Promise<Response> {
  const headers = { 'cache-control': 'no-store' }
  try {
    await ensureDatabase()
    await getConnection().executeOnce('SELECT 1')
    return Response.json({ status: 'ok', database: 'ok' }, { headers })
  } catch (err) {
    logger.warning('GET /api/v1/health: the store does not answer.', { error: String(err) })
    // the endpoint is public: name the failure, keep its details (hosts, users) in the log
    const error = `${err instanceof Error ? err.name : 'Error'}: the store does not answer; see the dashboard's log`
    return Response.json({ status: 'error', database: 'error', error }, { status: 503, headers })
  }
}
