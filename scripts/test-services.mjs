/**
 * The services a workspace's vitest global setup needs, started once per run: a PostgreSQL server
 * (`DORM_TEST_PG_URL` when set — `npm test` starts one cluster for every workspace — otherwise a
 * throwaway cluster from `pg-cluster.mjs`, stopped by `stop()`) and, when asked, a temp dir for
 * SQLite/libsql files, removed by `stop()` and also when the process exits before teardown.
 *
 * @example
 * ```js
 * const services = await startTestServices({ name: 'engine-tests', postgres: true, sqliteDirPrefix: 'dorm-test-sqlite-' })
 * project.provide('pgUrl', services.pgUrl)
 * return () => services.stop()
 * ```
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startPgCluster } from './pg-cluster.mjs'

/**
 * @param {{ name: string, postgres: boolean, sqliteDirPrefix?: string }} options
 * @returns {Promise<{ pgUrl: string, sqliteDir: string, stop(): Promise<void> }>}
 */
export async function startTestServices({ name, postgres, sqliteDirPrefix }) {
  const sqliteDir = sqliteDirPrefix === undefined ? '' : await mkdtemp(join(tmpdir(), sqliteDirPrefix))
  /** @type {import('./pg-cluster.mjs').PgCluster | undefined} */
  let cluster
  let pgUrl = ''
  if (postgres) {
    if (process.env.DORM_TEST_PG_URL) {
      pgUrl = process.env.DORM_TEST_PG_URL
    } else {
      const started = performance.now()
      cluster = await startPgCluster({ name })
      pgUrl = cluster.url
      console.log(
        `[global-setup] PostgreSQL cluster on port ${cluster.port} in ${Math.round(performance.now() - started)} ms`,
      )
    }
  }
  // should vitest be killed before teardown, still remove the temp dir (the cluster has its own guards)
  const removeSqliteDir = () => {
    if (sqliteDir !== '') rmSync(sqliteDir, { recursive: true, force: true })
  }
  process.once('exit', removeSqliteDir)
  return {
    pgUrl,
    sqliteDir,
    async stop() {
      await cluster?.stop()
      if (sqliteDir !== '') await rm(sqliteDir, { recursive: true, force: true })
      process.off('exit', removeSqliteDir)
    },
  }
}
