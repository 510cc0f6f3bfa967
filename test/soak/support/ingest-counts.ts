/**
 * What the dashboard stored for one environment, read from its PostgreSQL store: the ingest
 * batches it accepted (and when the first and the last arrived) and the rows its pages are drawn
 * from (query rollups, health, pool and request samples, slow queries, events) for the
 * environment's services.
 *
 * @example
 * ```ts
 * const counts = await ingestCounts(dashboard.storeUrl, 'soak')
 * counts.rows.dashboard_queryrollup // 412
 * ```
 */
import pg from 'pg'

/** The environment's data in the store. */
export interface IngestCounts {
  batches: number
  firstBatchAt: string | null
  lastBatchAt: string | null
  services: string[]
  /** Rows per table, for the environment's services. */
  rows: Record<string, number>
}

/** Tables keyed by service whose rows the dashboard's pages show. */
const SERVICE_TABLES = [
  'dashboard_queryrollup',
  'dashboard_healthsample',
  'dashboard_poolsample',
  'dashboard_requestsample',
  'dashboard_slowquery',
  'dashboard_eventrecord',
] as const

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value.toISOString() : String(value)
}

/**
 * Counts the environment's rows (read-only; the dashboard may keep running).
 *
 * @example
 * ```ts
 * (await ingestCounts('postgres://soak_dashboard:…@127.0.0.1:5433/soak_dashboard', 'soak')).batches // 360
 * ```
 */
export async function ingestCounts(storeUrl: string, environment: string): Promise<IngestCounts> {
  const client = new pg.Client({ connectionString: storeUrl })
  await client.connect()
  try {
    const env = await client.query<{ id: number }>('SELECT id FROM dashboard_environment WHERE name = $1', [
      environment,
    ])
    const envId = env.rows[0]?.id
    if (envId === undefined) throw new Error(`the dashboard's store has no environment '${environment}'`)
    const batch = await client.query<{ n: string; first: Date | null; last: Date | null }>(
      'SELECT COUNT(*) AS n, MIN(received_at) AS first, MAX(received_at) AS last FROM dashboard_ingestbatch WHERE environment_id = $1',
      [envId],
    )
    const services = await client.query<{ id: number; name: string }>(
      'SELECT id, name FROM dashboard_service WHERE environment_id = $1',
      [envId],
    )
    const ids = services.rows.map((service) => service.id)
    const rows: Record<string, number> = {}
    for (const table of SERVICE_TABLES) {
      const counted = await client.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM "${table}" WHERE service_id = ANY($1::bigint[])`,
        [ids],
      )
      rows[table] = Number(counted.rows[0]?.n ?? 0)
    }
    return {
      batches: Number(batch.rows[0]?.n ?? 0),
      firstBatchAt: iso(batch.rows[0]?.first),
      lastBatchAt: iso(batch.rows[0]?.last),
      services: services.rows.map((service) => service.name),
      rows,
    }
  } finally {
    await client.end()
  }
}
