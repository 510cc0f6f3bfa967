/**
 * Vitest global setup for the dashboard: one PostgreSQL server and one temp dir for SQLite files
 * per run, handed to the test files with `project.provide` (read them through
 * `test/support/stores.ts`).
 *
 * PostgreSQL: `DORM_TEST_PG_URL` when set (`npm test` starts one cluster for every workspace),
 * otherwise a throwaway cluster, stopped at teardown (`scripts/test-services.mjs`). No server is
 * started when `DORM_TEST_BACKENDS` leaves postgres out.
 */
import type { TestProject } from 'vitest/node'
import { startTestServices } from '../../../../scripts/test-services.mjs'
import { dashboardTestBackends } from '../support/backend-names'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startTestServices({
    name: 'dashboard-tests',
    postgres: dashboardTestBackends(process.env.DORM_TEST_BACKENDS).includes('postgres'),
    sqliteDirPrefix: 'dorm-dashboard-test-',
  })
  project.provide('pgUrl', services.pgUrl)
  project.provide('sqliteDir', services.sqliteDir)
  return () => services.stop()
}
