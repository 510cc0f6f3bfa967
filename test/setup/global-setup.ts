/**
 * Vitest global setup for the system tests: one PostgreSQL server and one temp dir for SQLite/libsql
 * files per run, read through `support/services.ts`. PostgreSQL comes from `DORM_TEST_PG_URL` when
 * set (`npm test` starts one cluster for every workspace), otherwise from a throwaway cluster stopped
 * at teardown. Tests that kill or restart PostgreSQL start their own cluster (`startPgCluster`).
 */
import type { TestProject } from 'vitest/node'
import { startTestServices } from '../../scripts/test-services.mjs'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startTestServices({ name: 'system-tests', postgres: true, sqliteDirPrefix: 'dorm-system-' })
  project.provide('pgUrl', services.pgUrl)
  project.provide('sqliteDir', services.sqliteDir)
  return () => services.stop()
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string
    sqliteDir: string
  }
}
