/**
 * Vitest global setup for the Action: one PostgreSQL server per run, handed to the tests with
 * `project.provide('pgUrl', ...)`. `DORM_TEST_PG_URL` when set (`npm test` starts one cluster for
 * every workspace), otherwise a throwaway cluster from `scripts/pg-cluster.mjs`, stopped at teardown.
 */
import type { TestProject } from 'vitest/node'
import { type PgCluster, startPgCluster } from '../../../../scripts/pg-cluster.mjs'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let cluster: PgCluster | undefined
  let pgUrl = process.env.DORM_TEST_PG_URL ?? ''
  if (pgUrl === '') {
    cluster = await startPgCluster({ name: 'action-tests' })
    pgUrl = cluster.url
  }
  project.provide('pgUrl', pgUrl)
  return async () => {
    await cluster?.stop()
  }
}
