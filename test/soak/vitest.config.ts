/**
 * The soak (`npm run test:soak`): the dashboard, the example shop with its telemetry exporter and a
 * traffic driver run as separate processes under steady traffic for `SOAK_MINUTES` (default 30)
 * while their memory is sampled. Its own config so the default run (`test/vitest.config.ts`, which
 * includes `reliability/**` and `compose/**` only) never starts it. Same global setup: the shared
 * PostgreSQL server the shop runs on.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** `test/`, whatever the working directory: paths below are relative to it. */
const systemTestsDir = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  test: {
    root: systemTestsDir,
    include: ['soak/**/*.test.ts'],
    globalSetup: ['./setup/global-setup.ts'],
    pool: 'forks',
    isolate: true,
    fileParallelism: false,
    // the soak test sets its own timeout from SOAK_MINUTES; this covers the others
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    reporters: ['default', 'json'],
    outputFile: { json: './reports/soak.json' },
  },
})
