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
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DASHBOARD_DIR, NEXT_BIN } from './paths.js'
import { runNode } from './processes.js'

const SOURCE_DIRS = ['app', 'lib', 'ui']
const SOURCE_FILES = ['proxy.ts', 'next.config.ts', 'package.json', 'tsconfig.json']

function newestMtime(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stats.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

/**
 * Whether `.next` holds a production build newer than the sources.
 *
 * @example
 * ```ts
 * if (!dashboardBuildIsFresh()) console.log('building the dashboard')
 * ```
 */
export function dashboardBuildIsFresh(): boolean {
  const buildId = join(DASHBOARD_DIR, '.next', 'BUILD_ID')
  if (!existsSync(buildId)) return false
  const built = statSync(buildId).mtimeMs
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES]
    .map((name) => join(DASHBOARD_DIR, name))
    .filter((path) => existsSync(path))
    .map(newestMtime)
  return sources.every((mtime) => mtime < built)
}

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
