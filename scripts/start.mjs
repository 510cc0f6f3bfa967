#!/usr/bin/env node
/**
 * `npm start`: the newcomer's demo. Installs the dependencies when they are missing (plain Node, so
 * it runs on a fresh clone), then hands over to `scripts/demo/main.ts` (through tsx's loader, in
 * this same process, so Ctrl-C reaches one demo that stops what it started): build, dashboard, the
 * example shop with telemetry and traffic, the GitHub Action's checks and deploy report.
 *
 * Environment: DORM_DEMO_DIR (default .dorm-demo), DORM_DEMO_DASHBOARD_PORT (3000),
 * DORM_DEMO_SHOP_PORT (8000), DORM_DEMO_PG_URL (the shop on PostgreSQL instead of SQLite),
 * DORM_DEMO_TELEMETRY_INTERVAL_S (10). See scripts/demo/main.ts.
 *
 * @example
 * ```sh
 * npm start
 * DORM_DEMO_DIR=/tmp/demo DORM_DEMO_DASHBOARD_PORT=3100 node scripts/start.mjs
 * ```
 */
import { pathToFileURL } from 'node:url'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

const started = performance.now()
let installed
try {
  installed = ensureDeps({ quiet: true })
} catch (error) {
  console.error(`\nnpm start failed at step "Install dependencies": ${error instanceof Error ? error.message : error}`)
  console.error('  Fix: check your network and Node/npm versions (node >= 20), then run npm ci and npm start again.')
  process.exit(1)
}
const dependencies = {
  detail: installed ? 'installed (npm ci)' : 'up to date',
  elapsedMs: performance.now() - started,
}

const { register } = await import('tsx/esm/api')
register()
const { runDemo } = await import(pathToFileURL(`${repoRoot}/scripts/demo/main.ts`).href)
process.exit(await runDemo({ dependencies }))
