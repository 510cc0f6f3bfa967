/**
 * The dashboard's production build for the e2e run: `next build` in apps/dashboard, skipped when
 * `.next/BUILD_ID` is newer than every source file the build reads (app/, lib/, ui/, proxy.ts,
 * next.config.ts, package.json, tsconfig.json; tests excluded). The engine is a server external,
 * loaded from packages/engine/dist at run time, so its changes need no rebuild of the dashboard
 * (but `npm run build -w @dorm/engine`).
 *
 * @example
 * ```ts
 * await ensureDashboardBuild() // 'fresh' or 'built'
 * ```
 */
import { dashboardBuildIsFresh } from '../../scripts/dashboard-build-freshness.mjs'
import { DASHBOARD_DIR, NEXT_BIN } from './paths.js'
import { runNode } from './processes.js'

/**
 * Builds the dashboard unless the build is fresh.
 *
 * @example
 * ```ts
 * const outcome = await ensureDashboardBuild()
 * ```
 */
export async function ensureDashboardBuild(): Promise<'fresh' | 'built'> {
  if (process.env.E2E_SKIP_BUILD === '1' || dashboardBuildIsFresh()) return 'fresh'
  await runNode([NEXT_BIN, 'build'], {
    cwd: DASHBOARD_DIR,
    env: { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    timeoutMs: 15 * 60_000,
  })
  return 'built'
}
