/**
 * Whether a PostgreSQL connection goes through a transaction pooler rather than to the server:
 * PgBouncer's port 6432, `pgbouncer: true` in OPTIONS (`?pgbouncer=true` in the URL), Neon's
 * `-pooler` hosts, Supabase's pooler host and its transaction-mode port 6543. Named prepared
 * statements and session advisory locks do not survive such a pooler.
 */
import type { ResolvedDatabaseSettings } from '../conf/database-settings.js'

const TRUE = new Set(['true', '1', 'yes', 'on', 'transaction', 'statement'])

/**
 * Why the settings look like a pooler (`"port 6432"`), or undefined when they do not.
 *
 * @example
 * ```ts
 * poolerReason(resolveDatabaseSettings('default', 'postgres://app@db:6432/app')) // 'port 6432 (PgBouncer)'
 * ```
 */
export function poolerReason(db: Readonly<ResolvedDatabaseSettings>): string | undefined {
  if (db.ENGINE !== 'postgresql') return undefined
  const flag = db.OPTIONS.pgbouncer
  if (flag === true || (typeof flag === 'string' && TRUE.has(flag.toLowerCase()))) return 'pgbouncer=true in OPTIONS'
  if (db.PORT === 6432) return 'port 6432 (PgBouncer)'
  const host = (db.HOST ?? '').toLowerCase()
  if (host.includes('-pooler')) return `the '-pooler' host '${db.HOST}'`
  if (host.endsWith('pooler.supabase.com')) return `the Supabase pooler host '${db.HOST}'`
  if (db.PORT === 6543) return 'port 6543 (Supabase transaction pooler)'
  return undefined
}
