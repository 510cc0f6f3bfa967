/**
 * Where things are, for the e2e setup and specs.
 *
 * @example
 * ```ts
 * import { ARTIFACTS_DIR } from './paths.js'
 * await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet.png') })
 * ```
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The e2e workspace. */
export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The repository root. */
export const REPO_ROOT = resolve(E2E_DIR, '..')
/** The dashboard app. */
export const DASHBOARD_DIR = join(REPO_ROOT, 'apps', 'dashboard')
/** Screenshots kept as test artifacts. */
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts')
/** The `tsx` loader, to run the TypeScript helpers (seed, example app) as separate processes. */
export const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
/** Next's command line. */
export const NEXT_BIN = join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next')
