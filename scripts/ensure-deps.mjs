#!/usr/bin/env node
/**
 * Installs the workspace's npm dependencies when they are missing or stale, so `npm start`,
 * `npm test` and `npm run bench` work on a fresh clone. Node builtins only: this runs before
 * anything is installed.
 *
 * Stale means: no `node_modules`, or a `package-lock.json` newer than the marker
 * `node_modules/.dorm-deps-installed` whose hash differs from the one recorded there, unless npm's own
 * hidden lockfile (`node_modules/.package-lock.json`) shows an install at least as new as the lockfile.
 *
 * @example
 * ```js
 * import { ensureDeps } from './ensure-deps.mjs'
 * ensureDeps() // no-op when up to date
 * ```
 * or `node scripts/ensure-deps.mjs`.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file lives in `<root>/scripts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const MARKER = '.dorm-deps-installed'

/** @param {string} file */
function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** @param {string} file */
function mtimeMs(file) {
  return statSync(file).mtimeMs
}

/**
 * Why dependencies must be (re)installed, or `null` when they are up to date.
 * @param {string} root
 * @returns {string | null}
 */
export function installReason(root = repoRoot) {
  const nodeModules = join(root, 'node_modules')
  const lockfile = join(root, 'package-lock.json')
  const marker = join(nodeModules, MARKER)
  if (!existsSync(nodeModules)) return 'node_modules is missing'
  if (!existsSync(lockfile)) return existsSync(marker) ? null : 'there is no package-lock.json yet'
  if (existsSync(marker)) {
    const recorded = readFileSync(marker, 'utf8').trim()
    if (mtimeMs(lockfile) <= mtimeMs(marker) || recorded === sha256(lockfile)) return null
  }
  // The lockfile changed after our last install (or we never installed), but npm itself may have
  // installed since (`npm install x` updates node_modules and the lockfile together; npm keeps its own
  // hidden lockfile in node_modules): trust that install rather than wiping node_modules for nothing.
  const hidden = join(nodeModules, '.package-lock.json')
  if (existsSync(hidden) && mtimeMs(hidden) >= mtimeMs(lockfile)) {
    writeMarker(root)
    return null
  }
  if (existsSync(marker)) return 'package-lock.json changed since the last install'
  return 'node_modules was not installed from the current package-lock.json'
}

/** @param {string} root */
function writeMarker(root) {
  const lockfile = join(root, 'package-lock.json')
  const hash = existsSync(lockfile) ? sha256(lockfile) : 'no-lockfile'
  // npm creates no node_modules for a project without dependencies
  mkdirSync(join(root, 'node_modules'), { recursive: true })
  writeFileSync(join(root, 'node_modules', MARKER), `${hash}\n`)
}

/**
 * Runs `npm ci` (or `npm install` without a lockfile) when needed, then records the lockfile hash.
 * Throws when npm fails.
 * @param {{ root?: string, quiet?: boolean }} [options]
 * @returns {boolean} whether an install ran
 */
export function ensureDeps({ root = repoRoot, quiet = false } = {}) {
  const reason = installReason(root)
  if (reason === null) {
    if (!quiet) console.log('[ensure-deps] dependencies are up to date')
    return false
  }
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'
  console.log(`[ensure-deps] ${reason}: running npm ${command} --no-audit --no-fund`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`npm ${command} failed with exit code ${result.status ?? result.signal}`)
  writeMarker(root)
  return true
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureDeps()
  } catch (error) {
    console.error(`[ensure-deps] ${error instanceof Error ? error.message : error}`)
    process.exit(1)
  }
}
