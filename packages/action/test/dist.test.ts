/**
 * The committed bundle is what the sources build to: rebuild into a temp dir with the same options
 * and compare the bytes. Run `npm run build -w @dorm/action` and commit dist/ when this fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { buildBundle, DIST_FILE } from '../scripts/build.mjs'

it('dist/index.js is up to date with src/ (else: npm run build -w @dorm/action, then commit dist/)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorm-action-dist-'))
  try {
    const fresh = join(dir, 'index.js')
    await buildBundle(fresh)
    const committed = readFileSync(DIST_FILE)
    expect(readFileSync(fresh).equals(committed), 'dist/index.js is stale: run npm run build -w @dorm/action').toBe(
      true,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
