/**
 * Where the demo's parts live in the repository.
 *
 * @example
 * ```ts
 * import { SHOP_DIR } from './paths.js'
 * console.log(SHOP_DIR) // /path/to/repo/examples/shop
 * ```
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The dashboard app. */
export const DASHBOARD_DIR = join(REPO_ROOT, 'apps', 'dashboard')
/** The example app. */
export const SHOP_DIR = join(REPO_ROOT, 'examples', 'shop')
/** Next's command line. */
export const NEXT_BIN = join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next')
/** The `tsx` loader, to run TypeScript children with `node --import`. */
export const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
/** The committed bundle of the GitHub Action. */
export const ACTION_BUNDLE = join(REPO_ROOT, 'packages', 'action', 'dist', 'index.js')
/** This folder. */
export const DEMO_SCRIPTS_DIR = join(REPO_ROOT, 'scripts', 'demo')
