/**
 * The shop's tests: the real server as a child process (`node --import tsx server.ts`) on SQLite
 * and on PostgreSQL, migrated with the real `dorm` CLI and seeded by `seed.ts`. The global setup
 * provides the PostgreSQL URL (`DORM_TEST_PG_URL`, or a throwaway cluster) and a temp dir for
 * SQLite files. `npm test` at the root reads ./reports/vitest.json.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    pool: 'forks',
    // every file starts servers and CLIs of its own: one file at a time keeps a 2-core machine responsive
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: './reports/vitest.json' },
  },
})
