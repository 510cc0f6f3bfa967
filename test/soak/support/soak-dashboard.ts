/**
 * The dashboard under soak: its production build (`next start`) on a free loopback port, with its
 * store on PostgreSQL as docker-compose.yml runs it (an in-process SQLite store would add its page
 * cache, up to 16 MB, filling as the file grows: `sqlite-store-memory.test.ts` measures that
 * apart), the admin password given, and an environment and an ingest key
 * created beforehand by the operator CLI (`npm run dashboard -- env create` / `key create
 * --secret-file`), exactly as a first setup does. The key's secret goes to a file the shop reads
 * (`DORM_TELEMETRY_TOKEN_FILE`).
 *
 * @example
 * ```ts
 * const dashboard = await startSoakDashboard({ workDir, logDir, storeUrl, environment: 'soak', password })
 * await fetch(`${dashboard.url}/api/v1/health`)
 * ```
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DASHBOARD_DIR, NEXT_BIN, REPO_ROOT, TSX_LOADER } from '../../../e2e/support/paths.js'
import { runNode } from '../../../e2e/support/processes.js'
import { getFreePort } from '../../../scripts/pg-cluster.mjs'
import { type SoakProcess, startSoakProcess } from './soak-process.js'

/** A dashboard started for the soak. */
export interface SoakDashboard {
  readonly url: string
  readonly process: SoakProcess
  /** The store's PostgreSQL URL. */
  readonly storeUrl: string
  /** The file holding the ingest key of the environment. */
  readonly ingestKeyFile: string
}

const OPERATOR_CLI = join(DASHBOARD_DIR, 'scripts', 'dashboard-cli.ts')

/**
 * Creates the store, the environment and its ingest key, starts `next start` and waits for
 * `GET /api/v1/health`.
 *
 * @example
 * ```ts
 * const { url, ingestKeyFile } = await startSoakDashboard({ workDir, logDir, storeUrl, environment: 'soak', password })
 * ```
 */
export async function startSoakDashboard(options: {
  workDir: string
  logDir: string
  /** The PostgreSQL database of the dashboard's store (an empty one: the dashboard migrates it). */
  storeUrl: string
  environment: string
  password: string
}): Promise<SoakDashboard> {
  if (!existsSync(join(DASHBOARD_DIR, '.next', 'BUILD_ID'))) {
    throw new Error(
      'the dashboard has no production build: run `npx turbo run build --filter=@dorm/dashboard` from the repository root ' +
        '(npm run test:soak builds it)',
    )
  }
  const storeEnv: NodeJS.ProcessEnv = { ...process.env, DASHBOARD_DATABASE_URL: options.storeUrl }
  delete storeEnv.DASHBOARD_DATA_DIR
  const ingestKeyFile = join(options.workDir, 'ingest.key')
  const operator = (args: string[]) =>
    runNode(['--import', TSX_LOADER, OPERATOR_CLI, ...args], { cwd: REPO_ROOT, env: storeEnv, timeoutMs: 120_000 })
  await operator(['env', 'create', options.environment])
  await operator([
    'key',
    'create',
    '--env',
    options.environment,
    '--kind',
    'ingest',
    '--label',
    'soak shop exporter',
    '--secret-file',
    ingestKeyFile,
  ])

  const port = await getFreePort()
  const server = startSoakProcess({
    name: 'dashboard',
    inspect: true,
    args: [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'],
    cwd: DASHBOARD_DIR,
    env: {
      ...storeEnv,
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
      DASHBOARD_ADMIN_PASSWORD: options.password,
    },
    logFile: join(options.logDir, 'dashboard.log'),
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (!server.alive()) throw new Error(`next start exited early; see ${join(options.logDir, 'dashboard.log')}`)
    const ok = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(
        `the dashboard did not answer GET /api/v1/health within 60 s; see ${options.logDir}/dashboard.log`,
      )
    }
    await sleep(250)
  }
  return { url, process: server, storeUrl: options.storeUrl, ingestKeyFile }
}
