/**
 * Engine tests: units beside the source (`src/**\/*.test.ts`) and database tests under `test/`.
 * The global setup provides the PostgreSQL URL and a temp dir for SQLite/libsql files
 * (`test/support/backends.ts`). Files run in parallel in separate forked processes, so tests that
 * change global settings or pools cannot leak into each other.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    pool: 'forks',
    isolate: true,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: './reports/vitest.json' },
  },
})
