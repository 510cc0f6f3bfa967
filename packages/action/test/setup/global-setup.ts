/**
 * Vitest global setup for the Action: one PostgreSQL server per run, handed to the tests with
 * `project.provide('pgUrl', ...)`. `DORM_TEST_PG_URL` when set (`npm test` starts one cluster for
 * every workspace), otherwise a throwaway cluster, stopped at teardown (`scripts/test-services.mjs`).
 */
import type { TestProject } from 'vitest/node'
import { startTestServices } from '../../../../scripts/test-services.mjs'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startTestServices({ name: 'action-tests', postgres: true })
  project.provide('pgUrl', services.pgUrl)
  return () => services.stop()
}
