/**
 * A throwaway PostgreSQL 15 cluster for one connection-fault scenario, which it may crash, restart
 * or have its backends terminated without touching the shared server. The app connects as a role of
 * its own whose password is the planted canary, with an `application_name` of its own, so
 * `pg_stat_activity` tells the app's connections apart from the admin's. `synchronous_commit` is
 * turned back on, so an acknowledged COMMIT survives a crash as it does in production.
 *
 * @example
 * ```ts
 * const db = await startFaultCluster('pg-restart')
 * configure({ DATABASES: { default: { URL: db.appUrl, MIN_POOL_SIZE: 2 } } })
 * await db.appConnections() // 2 once the pool is warm
 * await db.close()
 * ```
 */
import pg from 'pg'
import { type PgCluster, startPgCluster } from '../../../../scripts/pg-cluster.mjs'
import { CANARY_PASSWORD } from '../../../support/canaries.js'

/** A cluster, its app database and an admin client for counting and terminating the app's backends. */
export interface FaultCluster {
  readonly cluster: PgCluster
  /** `postgres://faults_app:<canary>@127.0.0.1:<port>/faults?application_name=<name>` */
  readonly appUrl: string
  /** The `application_name` of the app's connections. */
  readonly applicationName: string
  /** The app's backends in `pg_stat_activity` right now. */
  appConnections(): Promise<number>
  /** Terminates every backend of the app; resolves to how many were terminated. */
  terminateAppConnections(): Promise<number>
  /** Runs SQL as the superuser on the app database (a new connection each time: survives restarts). */
  admin<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>
  /** Stops the server and removes the cluster. */
  close(): Promise<void>
}

const APP_ROLE = 'faults_app'
const APP_DATABASE = 'faults'

/** Starts a cluster named after the scenario, with the app role and database. */
export async function startFaultCluster(scenario: string): Promise<FaultCluster> {
  const cluster = await startPgCluster({ name: `faults-${scenario}` })
  const applicationName = `dorm-faults-${scenario}`
  const superUrl = (database: string) => {
    const url = new URL(cluster.url)
    url.pathname = `/${database}`
    return url.toString()
  }
  const bootstrap = new pg.Client({ connectionString: superUrl('postgres') })
  await bootstrap.connect()
  try {
    await bootstrap.query(`CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${CANARY_PASSWORD}'`)
    await bootstrap.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}`)
    // throwaway clusters run with synchronous_commit off for speed, which lets a crash lose commits
    // already acknowledged: these scenarios need a COMMIT acknowledged to mean durable (fsync may
    // stay off: the OS survives a server crash, and its page cache with it)
    await bootstrap.query('ALTER SYSTEM SET synchronous_commit = on')
    await bootstrap.query('SELECT pg_reload_conf()')
  } finally {
    await bootstrap.end()
  }
  const app = new URL(cluster.url)
  app.username = APP_ROLE
  app.password = CANARY_PASSWORD
  app.pathname = `/${APP_DATABASE}`
  app.searchParams.set('application_name', applicationName)

  async function admin<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: superUrl(APP_DATABASE), application_name: 'faults-admin' })
    client.on('error', () => undefined)
    await client.connect()
    try {
      return (await client.query<R>(sql, params)).rows
    } finally {
      await client.end()
    }
  }

  return {
    cluster,
    appUrl: app.toString(),
    applicationName,
    async appConnections() {
      const rows = await admin<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      )
      return rows[0]?.n ?? 0
    },
    async terminateAppConnections() {
      const rows = await admin<{ n: number }>(
        'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      )
      return rows[0]?.n ?? 0
    },
    admin,
    close: () => cluster.stop(),
  }
}
