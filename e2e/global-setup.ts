/**
 * The e2e run's setup, once before the specs:
 * 1. builds the dashboard (`next build`) unless `.next` is newer than its sources;
 * 2. creates the environments and keys in a temp DASHBOARD_DATA_DIR with the dashboard's own
 *    lib/keys.ts (through tsx), then starts `next start` on a free port with that store and an
 *    admin password;
 * 3. seeds telemetry and a deploy report through the ingest API on a fixed timeline;
 * 4. runs the example process (e2e/support/example-app.ts): the exporter against a real PostgreSQL
 *    (DORM_TEST_PG_URL, else a throwaway cluster from scripts/pg-cluster.mjs) with a pool of 2 and
 *    20 concurrent slow statements.
 * The state goes to the specs through the environment; the returned function stops everything.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type PgCluster, startPgCluster } from '../scripts/pg-cluster.mjs'
import { ensureDashboardBuild } from './support/dashboard-build.js'
import { startDashboard } from './support/dashboard-server.js'
import { DASHBOARD_DIR, E2E_DIR } from './support/paths.js'
import { runTs } from './support/processes.js'
import { RUN_STATE_ENV, type RunState, type SeededKeys } from './support/run-state.js'
import { seedBaseFor, seedDashboard } from './support/seed-data.js'

const PASSWORD = 'e2e-admin-password'
const EXAMPLE_SERVICE = 'example-app'

function log(message: string): void {
  console.log(`[e2e setup] ${message}`)
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = performance.now()
  const outcome = await ensureDashboardBuild()
  log(`dashboard build ${outcome} (${Math.round(performance.now() - started)} ms)`)

  const dataDir = await mkdtemp(join(tmpdir(), 'dorm-e2e-dashboard-'))
  const storeEnv = { DASHBOARD_DATA_DIR: dataDir, DASHBOARD_DATABASE_URL: '' }
  const seeded = await runTs(join(E2E_DIR, 'support', 'seed-keys.ts'), { cwd: DASHBOARD_DIR, env: storeEnv })
  const keys = JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}') as SeededKeys

  const dashboard = await startDashboard({ dataDir, password: PASSWORD })
  log(`dashboard at ${dashboard.url}`)
  let cluster: PgCluster | undefined
  const teardown = async () => {
    await dashboard.stop()
    await cluster?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    const base = seedBaseFor(new Date())
    const { deployId } = await seedDashboard(dashboard.url, keys, base)
    log(`seeded from ${base.toISOString()}, deploy ${deployId}`)

    let pgUrl = process.env.DORM_TEST_PG_URL
    if (!pgUrl) {
      cluster = await startPgCluster({ name: 'e2e' })
      pgUrl = cluster.url
    }
    const example = await runTs(join(E2E_DIR, 'support', 'example-app.ts'), {
      cwd: E2E_DIR,
      env: {
        E2E_DASHBOARD_URL: dashboard.url,
        E2E_INGEST_KEY: keys.production?.ingest ?? '',
        E2E_PG_URL: pgUrl,
        E2E_EXAMPLE_SERVICE: EXAMPLE_SERVICE,
      },
      timeoutMs: 120_000,
    })
    log(`example app done, exporter stats ${example.stdout.trim().split('\n').pop()}`)
    await cluster?.stop()
    cluster = undefined

    const state: RunState = {
      baseUrl: dashboard.url,
      password: PASSWORD,
      keys,
      deployId,
      seedBase: base.toISOString(),
      exampleService: EXAMPLE_SERVICE,
    }
    process.env.E2E_BASE_URL = dashboard.url
    process.env[RUN_STATE_ENV] = JSON.stringify(state)
  } catch (err) {
    await teardown()
    throw err
  }
  return teardown
}
