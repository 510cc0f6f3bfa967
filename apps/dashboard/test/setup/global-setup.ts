/**
 * Vitest global setup for the dashboard: one PostgreSQL server and one temp dir for SQLite files
 * per run, handed to the test files with `project.provide` (read them through
 * `test/support/stores.ts`).
 *
 * PostgreSQL: `DORM_TEST_PG_URL` when set (`npm test` starts one cluster for every workspace),
 * otherwise a throwaway cluster from `scripts/pg-cluster.mjs`, stopped at teardown. No server is
 * started when `DORM_TEST_BACKENDS` leaves postgres out.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { type PgCluster, startPgCluster } from '../../../../scripts/pg-cluster.mjs'
import { dashboardTestBackends } from '../support/backend-names'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const backends = dashboardTestBackends(process.env.DORM_TEST_BACKENDS)
  const sqliteDir = await mkdtemp(join(tmpdir(), 'dorm-dashboard-test-'))
  let cluster: PgCluster | undefined
  let pgUrl = ''
  if (backends.includes('postgres')) {
    if (process.env.DORM_TEST_PG_URL) {
      pgUrl = process.env.DORM_TEST_PG_URL
    } else {
      const started = performance.now()
      cluster = await startPgCluster({ name: 'dashboard-tests' })
      pgUrl = cluster.url
      console.log(
        `[global-setup] PostgreSQL cluster on port ${cluster.port} in ${Math.round(performance.now() - started)} ms`,
      )
    }
  }
  // should vitest be killed before teardown, still remove the temp dir (the cluster has its own guards)
  const removeSqliteDir = () => rmSync(sqliteDir, { recursive: true, force: true })
  process.once('exit', removeSqliteDir)
  project.provide('pgUrl', pgUrl)
  project.provide('sqliteDir', sqliteDir)

  return async () => {
    await cluster?.stop()
    await rm(sqliteDir, { recursive: true, force: true })
    process.off('exit', removeSqliteDir)
  }
}
