/**
 * The demo dir (`DORM_DEMO_DIR`, default `.dorm-demo` in the current directory, gitignored): every
 * file the demo writes lives there, so a second `npm start` finds the same store, keys and
 * password, and deleting the folder starts over.
 *
 * ```
 * .dorm-demo/
 *   admin-password      the dashboard's login (generated once, mode 0600)
 *   keys.json           the demo environment's ingest and ci keys (mode 0600)
 *   ingest-key          the ingest key alone, read by the shop (DORM_TELEMETRY_TOKEN_FILE)
 *   dashboard/          the dashboard's SQLite store (DASHBOARD_DATA_DIR)
 *   shop/               the shop's SQLite primary and replica, its media (SHOP_DATA_DIR)
 *   action/             the Action's runs: outputs, job summaries, JSON reports
 *   logs/               one log per process (build, dashboard, shop, action, seed, traffic)
 * ```
 *
 * @example
 * ```ts
 * const dir = demoLayout(process.env)
 * const password = adminPassword(dir)
 * ```
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { StepFailure } from './steps.js'

/** Where each demo file goes. */
export interface DemoLayout {
  readonly root: string
  readonly passwordFile: string
  readonly keysFile: string
  readonly ingestKeyFile: string
  readonly dashboardData: string
  readonly shopData: string
  readonly actionDir: string
  readonly logs: string
}

/**
 * The demo dir's layout (nothing is created).
 *
 * @example
 * ```ts
 * demoLayout({ DORM_DEMO_DIR: '/tmp/demo' }).dashboardData // '/tmp/demo/dashboard'
 * ```
 */
export function demoLayout(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DemoLayout {
  const root = resolve(cwd, env.DORM_DEMO_DIR?.trim() || '.dorm-demo')
  return {
    root,
    passwordFile: join(root, 'admin-password'),
    keysFile: join(root, 'keys.json'),
    ingestKeyFile: join(root, 'ingest-key'),
    dashboardData: join(root, 'dashboard'),
    shopData: join(root, 'shop'),
    actionDir: join(root, 'action'),
    logs: join(root, 'logs'),
  }
}

/**
 * Creates the folders.
 *
 * @example
 * ```ts
 * prepareDemoDir(demoLayout())
 * ```
 */
export function prepareDemoDir(layout: DemoLayout): void {
  try {
    for (const dir of [layout.root, layout.dashboardData, layout.shopData, layout.actionDir, layout.logs]) {
      mkdirSync(dir, { recursive: true })
    }
  } catch (error) {
    throw new StepFailure(
      `cannot create the demo dir ${layout.root}: ${(error as Error).message}`,
      'Set DORM_DEMO_DIR to a folder you can write to (e.g. DORM_DEMO_DIR=/tmp/dorm-demo npm start).',
    )
  }
}

/**
 * The dashboard's admin password: generated on the first run and kept in the demo dir, so it stays
 * the same across runs. Returns it and whether it was just created.
 *
 * @example
 * ```ts
 * const { password, created } = adminPassword(layout)
 * ```
 */
export function adminPassword(layout: DemoLayout): { password: string; created: boolean } {
  if (existsSync(layout.passwordFile)) {
    const stored = readFileSync(layout.passwordFile, 'utf8').trim()
    if (stored !== '') return { password: stored, created: false }
  }
  const password = randomBytes(18).toString('base64url')
  writeFileSync(layout.passwordFile, `${password}\n`, { mode: 0o600 })
  return { password, created: true }
}
