/**
 * What the dashboard stored for one environment, read from its SQLite store: the ingest batches it
 * accepted (and when the first and the last arrived) and the rows its pages are drawn from (query
 * rollups, health, pool and request samples, slow queries, events) for the environment's services.
 *
 * @example
 * ```ts
 * const counts = ingestCounts(dashboard.storeFile, 'soak')
 * counts.rows.dashboard_queryrollup // 412
 * ```
 */
import Database from 'better-sqlite3'

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
  const date = new Date(typeof value === 'number' ? value : String(value))
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString()
}

/**
 * Counts the environment's rows (read-only; the dashboard may keep running).
 *
 * @example
 * ```ts
 * ingestCounts('/tmp/soak/dashboard-data/dashboard.sqlite3', 'soak').batches // 360
 * ```
 */
export function ingestCounts(storeFile: string, environment: string): IngestCounts {
  const db = new Database(storeFile, { readonly: true, fileMustExist: true })
  try {
    const env = db.prepare('SELECT id FROM dashboard_environment WHERE name = ?').get(environment) as
      | { id: number }
      | undefined
    if (env === undefined) throw new Error(`the dashboard's store has no environment '${environment}'`)
    const batch = db
      .prepare(
        'SELECT COUNT(*) AS n, MIN(received_at) AS first, MAX(received_at) AS last FROM dashboard_ingestbatch WHERE environment_id = ?',
      )
      .get(env.id) as { n: number; first: unknown; last: unknown }
    const services = db.prepare('SELECT id, name FROM dashboard_service WHERE environment_id = ?').all(env.id) as {
      id: number
      name: string
    }[]
    const ids = services.map((service) => service.id)
    const rows: Record<string, number> = {}
    for (const table of SERVICE_TABLES) {
      rows[table] =
        ids.length === 0
          ? 0
          : Number(
              db
                .prepare(`SELECT COUNT(*) FROM "${table}" WHERE service_id IN (${ids.map(() => '?').join(', ')})`)
                .pluck()
                .get(...ids),
            )
    }
    return {
      batches: Number(batch.n),
      firstBatchAt: iso(batch.first),
      lastBatchAt: iso(batch.last),
      services: services.map((service) => service.name),
      rows,
    }
  } finally {
    db.close()
  }
}
