#!/usr/bin/env node
/**
 * Bundles the Action with esbuild into one file, `dist/index.js` (ESM for Node 20+, every
 * dependency inlined), which `action.yml` runs and which is committed. `test/dist.test.ts` rebuilds
 * into a temp dir with {@link buildBundle} and fails when the committed file differs.
 *
 * Usage: `npm run build -w @dorm/action` (or `node scripts/build.mjs [outfile]`).
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Where the committed bundle lives. */
export const DIST_FILE = resolve(packageDir, 'dist/index.js')

// @actions/* are ESM, but some of their dependencies are CommonJS and call require('node:...')
const BANNER =
  "import { createRequire as __dormCreateRequire } from 'node:module'\nconst require = __dormCreateRequire(import.meta.url)"

/**
 * Bundles `src/index.ts` into `outfile`. Paths in the bundle are relative to this package, so the
 * bytes do not depend on where `outfile` is.
 *
 * @example
 * ```js
 * await buildBundle('/tmp/check/index.js')
 * ```
 * @param {string} outfile
 */
export async function buildBundle(outfile) {
  await build({
    absWorkingDir: packageDir,
    entryPoints: ['src/index.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    legalComments: 'none',
    logLevel: 'warning',
  })
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] === undefined ? DIST_FILE : resolve(process.argv[2])
  await buildBundle(outfile)
  console.log(`built ${outfile}`)
}
