/**
 * The dashboard's part of the demo: its store prepared with the demo environment and keys
 * (`provision-keys.ts` in a child process, before the server runs), then `next start` (the
 * production build) on the chosen port with the demo's admin password, waited for on
 * `GET /api/v1/health`.
 *
 * @example
 * ```ts
 * const keys = await provisionDashboard({ layout, environment: 'demo', signal })
 * const dashboard = await startDashboard({ layout, port: 3000, password, signal })
 * ```
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DemoLayout } from './demo-dir.js'
import { DASHBOARD_DIR, DEMO_SCRIPTS_DIR, NEXT_BIN, TSX_LOADER } from './paths.js'
import { HOST } from './ports.js'
import { type ManagedProcess, runToEnd, startProcess } from './processes.js'
import { Interrupted, StepFailure } from './steps.js'
import { waitForHttp } from './wait.js'

/** The demo environment's keys. */
export interface DemoKeys {
  readonly environment: string
  readonly ingest: string
  readonly ci: string
  /** What provisioning did: `environment created, keys reused`. */
  readonly summary: string
}

function storeEnv(layout: DemoLayout): NodeJS.ProcessEnv {
  // the demo's store is always the SQLite file in the demo dir, whatever the shell exports
  return { DASHBOARD_DATA_DIR: layout.dashboardData, DASHBOARD_DATABASE_URL: '' }
}

/**
 * Creates the environment (when missing) and the keys (or reuses the stored ones).
 *
 * @example
 * ```ts
 * const { ingest, ci } = await provisionDashboard({ layout, environment: 'demo' })
 * ```
 */
export async function provisionDashboard(options: {
  layout: DemoLayout
  environment: string
  signal?: AbortSignal
}): Promise<DemoKeys> {
  const { layout, environment } = options
  const logFile = join(layout.logs, 'dashboard-keys.log')
  const result = await runToEnd(
    {
      name: 'keys',
      command: process.execPath,
      args: ['--import', TSX_LOADER, join(DEMO_SCRIPTS_DIR, 'provision-keys.ts')],
      cwd: DASHBOARD_DIR,
      env: {
        ...storeEnv(layout),
        DORM_DEMO_ENVIRONMENT: environment,
        DORM_DEMO_KEYS_FILE: layout.keysFile,
        DORM_DEMO_INGEST_KEY_FILE: layout.ingestKeyFile,
      },
      logFile,
    },
    options.signal,
  )
  if (options.signal?.aborted) throw new Interrupted()
  if (result.code !== 0) {
    throw new StepFailure(
      `could not prepare the dashboard's store in ${layout.dashboardData}.`,
      `Read the log below. If the store is damaged, delete ${layout.dashboardData} and run npm start again ` +
        '(a new store, new keys).',
      { logFile, details: result.output },
    )
  }
  const line = result.output.trim().split('\n').pop() ?? '{}'
  const outcome = JSON.parse(line) as { environment: string; ingest: string; ci: string }
  const stored = JSON.parse(readFileSync(layout.keysFile, 'utf8')) as { ingest: string; ci: string }
  const keysHow =
    outcome.ingest === outcome.ci ? `keys ${outcome.ingest}` : `ingest key ${outcome.ingest}, ci key ${outcome.ci}`
  return {
    environment,
    ingest: stored.ingest,
    ci: stored.ci,
    summary: `environment '${environment}' ${outcome.environment === 'created' ? 'created' : 'already there'}, ${keysHow}`,
  }
}

/** The running dashboard. */
export interface RunningDashboard {
  readonly url: string
  readonly process: ManagedProcess
}

/**
 * Starts `next start` and waits until it answers.
 *
 * @example
 * ```ts
 * const { url } = await startDashboard({ layout, port: 3000, password: 'x' })
 * ```
 */
export async function startDashboard(options: {
  layout: DemoLayout
  port: number
  password: string
  signal?: AbortSignal
}): Promise<RunningDashboard> {
  const logFile = join(options.layout.logs, 'dashboard.log')
  const server = startProcess({
    name: 'dashboard',
    command: process.execPath,
    args: [NEXT_BIN, 'start', '-p', String(options.port), '-H', HOST],
    cwd: DASHBOARD_DIR,
    env: {
      ...storeEnv(options.layout),
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DASHBOARD_ADMIN_PASSWORD: options.password,
    },
    logFile,
  })
  const url = `http://${HOST}:${options.port}`
  await waitForHttp({
    url: `${url}/api/v1/health`,
    process: server,
    what: 'the dashboard',
    timeoutMs: 90_000,
    fix:
      'Check that the build is complete (npx turbo run build --filter=@dorm/dashboard...) and that the port is free; ' +
      'the log says more.',
    ...(options.signal ? { signal: options.signal } : {}),
  })
  return { url, process: server }
}
