#!/usr/bin/env node
/**
 * `npm run test:reliability`: the reliability and security suite at full scale
 * (`DORM_RELIABILITY=full`, see test/support/scale.ts and docs/reliability.md). `npm test` runs the
 * same files at the short scale. `npm run test:soak` runs the 30-minute soak (`test/soak/`).
 * Builds what the suite starts (the engine and the dashboard) first; extra arguments go to vitest
 * (`npm run test:reliability -- reliability/fuzz`).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

const soak = process.argv[2] === 'soak'
const args = process.argv.slice(soak ? 3 : 2)
ensureDeps({ quiet: true })
process.env.TURBO_TELEMETRY_DISABLED = '1'
const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@dorm/system-tests...'], {
  cwd: repoRoot,
  stdio: 'inherit',
})
if (build.status !== 0) process.exit(build.status ?? 1)
const vitestArgs = soak
  ? ['vitest', 'run', '--config', 'soak/vitest.config.ts', ...args]
  : ['vitest', 'run', ...(args.length ? args : ['reliability'])]
const result = spawnSync('npx', vitestArgs, {
  cwd: join(repoRoot, 'test'),
  stdio: 'inherit',
  env: { ...process.env, DORM_RELIABILITY: soak ? 'full' : (process.env.DORM_RELIABILITY ?? 'full') },
})
process.exit(result.status ?? 1)
