/**
 * Action tests: units beside the source (`src/**\/*.test.ts`) and scenario tests under `test/` that
 * run the committed `dist/index.js` as the runner does. The global setup provides the PostgreSQL URL
 * (`inject('pgUrl')`), the same way as the engine's tests.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: './reports/vitest.json' },
  },
})
