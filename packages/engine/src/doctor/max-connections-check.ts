/**
 * DORM-D016: the connection footprint against the server's max_connections. Every worker process
 * has its own pool, so the footprint on one server is the sum of MAX_POOL_SIZE over the aliases
 * pointing at it times the workers (WEB_CONCURRENCY, default 1); the deploy checklist wants it at
 * most half of max_connections, leaving room for replication, admin sessions and a rolling deploy's
 * second set of workers. DORM-D017 (note): the server could not be asked.
 *
 * Aliases that go through a pooler are left out: their limit is the pooler's, not the server's.
 */
import type { ResolvedDatabaseSettings } from '../conf/database-settings.js'
import { describeError } from '../errors.js'
import { type DoctorContext, type DoctorFinding, note, postgresAliases, warning } from './doctor-check.js'
import { poolerReason } from './pooler-detection.js'

interface Server {
  key: string
  aliases: [string, Readonly<ResolvedDatabaseSettings>][]
}

/**
 * The footprint findings, one per PostgreSQL server; nothing when the context may not connect.
 *
 * @example
 * ```ts
 * await checkMaxConnections(doctorContext(process.env, (alias) => readMaxConnections(alias, 5000)))
 * // [{ code: 'DORM-D016', message: "... = 40 connections to db:5432, more than half of its max_connections (50) ..." }]
 * ```
 */
export async function checkMaxConnections(context: DoctorContext): Promise<DoctorFinding[]> {
  const read = context.readMaxConnections
  if (read === undefined) return []
  const workers = workerCount(context.env)
  const findings: DoctorFinding[] = []
  for (const server of servers(context)) {
    const [firstAlias] = server.aliases[0] ?? []
    if (firstAlias === undefined) continue
    let max: number
    try {
      max = await read(firstAlias)
    } catch (err) {
      findings.push(
        note(
          'DORM-D017',
          `DATABASES['${firstAlias}']: could not read max_connections from ${server.key} (${describeError(err)}), so ` +
            'MAX_POOL_SIZE × workers was not checked against it.',
          { alias: firstAlias },
        ),
      )
      continue
    }
    const sizes = server.aliases.map(([, db]) => db.MAX_POOL_SIZE)
    const footprint = sizes.reduce((a, b) => a + b, 0) * workers
    if (footprint <= max / 2) continue
    const names = server.aliases.map(([alias]) => `'${alias}'`).join(', ')
    const pools = sizes.length === 1 ? `MAX_POOL_SIZE ${sizes[0]}` : `MAX_POOL_SIZE ${sizes.join(' + ')}`
    findings.push(
      warning(
        'DORM-D016',
        `DATABASES[${names}]: ${pools} × ${workers} worker(s) (WEB_CONCURRENCY) = ${footprint} connections to ` +
          `${server.key}, more than half of its max_connections (${max}). Lower MAX_POOL_SIZE, run fewer workers, ` +
          'put PgBouncer in front, or raise max_connections.',
        { alias: firstAlias },
      ),
    )
  }
  return findings
}

/** WEB_CONCURRENCY as a positive integer, else 1. */
export function workerCount(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.WEB_CONCURRENCY?.trim() ?? ''
  const n = /^\d+$/.test(raw) ? Number(raw) : 0
  return Math.max(n, 1)
}

/** Non-pooled PostgreSQL aliases grouped by host and port. */
function servers(context: DoctorContext): Server[] {
  const byKey = new Map<string, Server>()
  for (const [alias, db] of postgresAliases(context)) {
    if (poolerReason(db) !== undefined) continue
    const key = `${db.HOST || 'localhost'}:${db.PORT ?? 5432}`
    const server = byKey.get(key) ?? { key, aliases: [] }
    server.aliases.push([alias, db])
    byKey.set(key, server)
  }
  return [...byKey.values()]
}
