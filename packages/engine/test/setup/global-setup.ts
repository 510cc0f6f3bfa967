/**
 * Vitest global setup for the engine: one PostgreSQL server and one SQLite/libsql temp dir per run,
 * handed to the test files with `project.provide` (read them with `inject('pgUrl')` /
 * `inject('sqliteDir')`, or through `test/support/backends.ts`).
 *
 * PostgreSQL: `DORM_TEST_PG_URL` when set (e.g. `npm test` starts one cluster for every workspace),
 * otherwise a throwaway cluster, stopped at teardown (`scripts/test-services.mjs`). No server is
 * started when `DORM_TEST_BACKENDS` leaves postgres out.
 */
import type { TestProject } from 'vitest/node'
import { startTestServices } from '../../../../scripts/test-services.mjs'
import { parseTestBackends } from '../support/backend-names.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startTestServices({
    name: 'engine-tests',
    postgres: parseTestBackends(process.env.DORM_TEST_BACKENDS).includes('postgres'),
    sqliteDirPrefix: 'dorm-test-sqlite-',
  })
  project.provide('pgUrl', services.pgUrl)
  project.provide('sqliteDir', services.sqliteDir)
  return () => services.stop()
}
