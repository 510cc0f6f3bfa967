/**
 * Whether the dashboard's production build (`apps/dashboard/.next`) is newer than every source file
 * it is built from (app/, lib/, ui/, proxy.ts, next.config.ts, package.json, tsconfig.json; tests
 * excluded). Shared by `npm start` (scripts/demo/build.ts) and the browser tests
 * (e2e/support/dashboard-build.ts), which skip `next build` when it is.
 *
 * @example
 * ```js
 * import { dashboardBuildIsFresh } from './dashboard-build-freshness.mjs'
 * if (!dashboardBuildIsFresh()) console.log('the dashboard will be built')
 * ```
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `apps/dashboard` of this repository. */
export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'dashboard')

const SOURCES = ['app', 'lib', 'ui', 'proxy.ts', 'next.config.ts', 'package.json', 'tsconfig.json']

/** @param {string} path @returns {number} the newest modification time below `path`, tests left out */
function newestMtime(path) {
  const stats = statSync(path)
  if (!stats.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stats.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

/** @param {string} [dashboardDir] @returns {boolean} */
export function dashboardBuildIsFresh(dashboardDir = DASHBOARD_DIR) {
  const buildId = join(dashboardDir, '.next', 'BUILD_ID')
  if (!existsSync(buildId)) return false
  const built = statSync(buildId).mtimeMs
  return SOURCES.map((name) => join(dashboardDir, name))
    .filter((path) => existsSync(path))
    .every((path) => newestMtime(path) < built)
}
