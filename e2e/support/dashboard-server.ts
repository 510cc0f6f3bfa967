/**
 * `next start` of the dashboard on a free loopback port, with its own store (a temp
 * DASHBOARD_DATA_DIR) and admin password; resolves once `GET /api/v1/health` answers.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ dataDir, password: 'e2e-admin-password' })
 * await fetch(`${dashboard.url}/api/v1/health`)
 * await dashboard.stop()
 * ```
 */
import { getFreePort } from '../../scripts/pg-cluster.mjs'
import { DASHBOARD_DIR, NEXT_BIN } from './paths.js'
import { type RunningServer, startServer } from './processes.js'

/** A running dashboard. */
export interface RunningDashboard {
  readonly url: string
  readonly server: RunningServer
  stop(): Promise<void>
}

/**
 * Starts the production server and waits for it.
 *
 * @example
 * ```ts
 * const { url } = await startDashboard({ dataDir: '/tmp/x', password: 'secret' })
 * ```
 */
export async function startDashboard(options: {
  dataDir: string
  password: string
  env?: NodeJS.ProcessEnv
}): Promise<RunningDashboard> {
  const port = await getFreePort()
  const server = startServer([NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: DASHBOARD_DIR,
    env: {
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
      DASHBOARD_ADMIN_PASSWORD: options.password,
      DASHBOARD_DATA_DIR: options.dataDir,
      DASHBOARD_DATABASE_URL: '',
      ...options.env,
    },
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(`next start exited with ${server.child.exitCode}:\n${server.output()}`)
    }
    try {
      const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) })
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`the dashboard did not answer GET /api/v1/health within 60 s:\n${server.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return { url, server, stop: () => server.stop() }
}
