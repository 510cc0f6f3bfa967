/**
 * Vitest global setup for the engine: one PostgreSQL server and one SQLite/libsql temp dir per run,
 * handed to the test files with `project.provide` (read them with `inject('pgUrl')` /
 * `inject('sqliteDir')`, or through `test/support/backends.ts`).
 *
 * PostgreSQL: `DORM_TEST_PG_URL` when set (e.g. `npm test` starts one cluster for every workspace),
 * otherwise a throwaway cluster from `scripts/pg-cluster.mjs`, stopped at teardown. No server is
 * started when `DORM_TEST_BACKENDS` leaves postgres out.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { type PgCluster, startPgCluster } from '../../../../scripts/pg-cluster.mjs'
import { parseTestBackends } from '../support/backend-names.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const backends = parseTestBackends(process.env.DORM_TEST_BACKENDS)
  const sqliteDir = await mkdtemp(join(tmpdir(), 'dorm-test-sqlite-'))
  let cluster: PgCluster | undefined
  let pgUrl = ''
  if (backends.includes('postgres')) {
    if (process.env.DORM_TEST_PG_URL) {
      pgUrl = process.env.DORM_TEST_PG_URL
    } else {
      const started = performance.now()
      cluster = await startPgCluster({ name: 'engine-tests' })
      pgUrl = cluster.url
      console.log(
        `[global-setup] PostgreSQL cluster on port ${cluster.port} in ${Math.round(performance.now() - started)} ms`,
      )
    }
  }
  // Should vitest be killed before teardown, still remove the temp dir (the cluster has its own guards).
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
