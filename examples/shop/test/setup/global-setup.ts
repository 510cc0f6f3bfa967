/**
 * Vitest global setup for the shop: one PostgreSQL server and one temp dir for SQLite files per
 * run (`scripts/test-services.mjs`), handed to the test files with `project.provide`. No server is
 * started when `DORM_TEST_BACKENDS` leaves postgres out (`pgUrl` is then empty).
 */
import type { TestProject } from 'vitest/node'
import { startTestServices } from '../../../../scripts/test-services.mjs'
import { shopTestBackends } from '../support/backend-names.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startTestServices({
    name: 'shop-tests',
    postgres: shopTestBackends().includes('postgres'),
    sqliteDirPrefix: 'dorm-shop-test-',
  })
  project.provide('pgUrl', services.pgUrl)
  project.provide('sqliteDir', services.sqliteDir)
  return () => services.stop()
}
