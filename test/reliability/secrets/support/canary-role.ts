/**
 * A throwaway PostgreSQL 15 cluster where a role logs in with the planted CANARY_PASSWORD, checked
 * for real (scram-sha-256 for that role, so a wrong password fails), and the URLs that reach it, or
 * fail to, with the canary inside them.
 *
 * @example
 * ```ts
 * const canary = await startCanaryCluster('secrets-engine')
 * configure({ DATABASES: { default: canary.url } })
 * await canary.stop()
 * ```
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { getFreePort, type PgCluster, startPgCluster } from '../../../../scripts/pg-cluster.mjs'
import { CANARY_PASSWORD } from '../../../support/canaries.js'

/** The role that logs in with the canary. */
export const CANARY_ROLE = 'canary_writer'

/** The cluster and its URLs. */
export interface CanaryCluster {
  cluster: PgCluster
  /** `postgres://canary_writer:<CANARY_PASSWORD>@127.0.0.1:<port>/canary` */
  url: string
  /** The same with a wrong password that contains the canary (authentication fails). */
  wrongPasswordUrl: string
  /** The same credentials on a port nothing listens on (connection refused). */
  refusedUrl: string
  stop(): Promise<void>
}

/**
 * Starts the cluster, creates the role and its database `canary`, and requires a password for it.
 *
 * @example
 * ```ts
 * const { url, wrongPasswordUrl } = await startCanaryCluster('action')
 * ```
 */
export async function startCanaryCluster(name: string): Promise<CanaryCluster> {
  const cluster = await startPgCluster({ name })
  try {
    const admin = new pg.Client({ connectionString: cluster.url })
    await admin.connect()
    try {
      await admin.query(`CREATE ROLE ${CANARY_ROLE} LOGIN PASSWORD '${CANARY_PASSWORD}'`)
      await admin.query(`CREATE DATABASE canary OWNER ${CANARY_ROLE}`)
      // first matching line wins: the canary role must give its password, everyone else keeps trust
      const hba = join(cluster.dataDir, 'pg_hba.conf')
      const rules = await readFile(hba, 'utf8')
      await writeFile(hba, `host all ${CANARY_ROLE} 127.0.0.1/32 scram-sha-256\n${rules}`)
      await admin.query('SELECT pg_reload_conf()')
    } finally {
      await admin.end()
    }
  } catch (err) {
    await cluster.stop()
    throw err
  }
  const url = new URL(`postgres://127.0.0.1:${cluster.port}/canary`)
  url.username = CANARY_ROLE
  url.password = CANARY_PASSWORD
  const wrong = new URL(url)
  wrong.password = `wrong-${CANARY_PASSWORD}`
  const refused = new URL(url)
  refused.port = String(await getFreePort())
  return {
    cluster,
    url: url.toString(),
    wrongPasswordUrl: wrong.toString(),
    refusedUrl: refused.toString(),
    stop: () => cluster.stop(),
  }
}
